package io.distillery.quality;

import java.util.ArrayList;
import java.util.List;

/**
 * Sentences per second of a batch function over fixed texts (end to end: tokenisation included),
 * batches taken in turn, wrapping around: two warm-up batches, then at least {@code minSeconds} and
 * one full pass over the texts.
 */
final class Throughput {

    interface BatchFunction {
        void apply(List<String> batch) throws Exception;
    }

    private Throughput() {
    }

    static double sentencesPerSecond(List<String> texts, int batchSize, double minSeconds, BatchFunction function)
            throws Exception {
        int cursor = 0;
        for (int i = 0; i < 2; i++) {
            function.apply(slice(texts, cursor, batchSize));
            cursor += batchSize;
        }
        long done = 0;
        long started = System.nanoTime();
        double seconds;
        do {
            function.apply(slice(texts, cursor, batchSize));
            cursor += batchSize;
            done += batchSize;
            seconds = (System.nanoTime() - started) / 1e9;
        } while (seconds < minSeconds || done < texts.size());
        return done / seconds;
    }

    static List<String> slice(List<String> texts, int from, int size) {
        List<String> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            batch.add(texts.get((from + i) % texts.size()));
        }
        return batch;
    }
}
