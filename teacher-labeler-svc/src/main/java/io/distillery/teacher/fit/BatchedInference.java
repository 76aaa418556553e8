package io.distillery.teacher.fit;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Runs a predictor over many texts in batches of similar length (so little time goes into
 * padding) and returns the outputs in the original order.
 */
public final class BatchedInference {

    private BatchedInference() {
    }

    public static List<float[]> run(Predictor<String, float[]> predictor, List<String> texts, int batchSize)
            throws TranslateException {
        Integer[] order = IntStream.range(0, texts.size()).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> texts.get(i).length()));
        float[][] outputs = new float[texts.size()][];
        for (int start = 0; start < order.length; start += batchSize) {
            List<String> batch = new ArrayList<>(batchSize);
            int end = Math.min(order.length, start + batchSize);
            for (int k = start; k < end; k++) {
                batch.add(texts.get(order[k]));
            }
            List<float[]> results = predictor.batchPredict(batch);
            for (int k = start; k < end; k++) {
                outputs[order[k]] = results.get(k - start);
            }
        }
        return List.of(outputs);
    }
}
