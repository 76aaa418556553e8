package io.distillery.student;

import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Epoch-based training on a fixed labelled set: the gold-label baseline and a smoke test of the
 * training path. (Continual training on the stream is student-trainer-svc's job; it uses
 * {@link TrainingSession} directly.)
 */
public final class QuickTraining {

    /** What {@link #trainGold} did. */
    public record Result(int epochs, long steps, float firstEpochLoss, float lastEpochLoss, long millis) {
    }

    private QuickTraining() {
    }

    /**
     * Trains on gold labels only (cross-entropy), shuffling each epoch with {@code seed}.
     *
     * @param gold label index per text
     */
    public static Result trainGold(Student student, List<String> texts, int[] gold, int epochs, int batchSize,
                                   float learningRate, long seed) {
        long start = System.nanoTime();
        TrainingSession session = new TrainingSession(student, DistillationLoss.hinton(1f, 0f), Tracker.fixed(learningRate), 5f);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            order.add(i);
        }
        Random random = new Random(seed);
        float first = Float.NaN;
        float last = Float.NaN;
        for (int epoch = 0; epoch < epochs; epoch++) {
            Collections.shuffle(order, random);
            double sum = 0;
            int batches = 0;
            for (int from = 0; from < order.size(); from += batchSize) {
                List<Integer> slice = order.subList(from, Math.min(order.size(), from + batchSize));
                List<String> batchTexts = slice.stream().map(texts::get).toList();
                int[] batchGold = slice.stream().mapToInt(i -> gold[i]).toArray();
                sum += session.step(batchTexts, null, batchGold);
                batches++;
            }
            last = (float) (sum / batches);
            if (epoch == 0) {
                first = last;
            }
        }
        return new Result(epochs, session.steps(), first, last, (System.nanoTime() - start) / 1_000_000);
    }

    /** Fraction of texts whose argmax is the gold index, in batches of {@code batchSize}. */
    public static double accuracy(Student student, List<String> texts, int[] gold, int batchSize) {
        long right = 0;
        for (int from = 0; from < texts.size(); from += batchSize) {
            float[][] logits = student.logits(texts.subList(from, Math.min(texts.size(), from + batchSize)));
            for (int i = 0; i < logits.length; i++) {
                right += Student.argmax(logits[i]) == gold[from + i] ? 1 : 0;
            }
        }
        return texts.isEmpty() ? Double.NaN : (double) right / texts.size();
    }
}
