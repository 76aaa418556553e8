package io.distillery.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sentences per second of a batch function over fixed texts (end to end: tokenisation included),
 * batches taken in turn, wrapping around: two warm-up batches, then at least {@code minSeconds} and
 * one full pass over the texts. With several workers (threads), each takes its own batches in
 * turn (worker {@code w} starts {@code w} batches in), all start timing once every one has warmed
 * up, and the rate is all their sentences over the time until the last one stops.
 */
final class Throughput {

    interface BatchFunction {
        void apply(List<String> batch) throws Exception;
    }

    private Throughput() {
    }

    static double sentencesPerSecond(List<String> texts, int batchSize, double minSeconds, BatchFunction function)
            throws Exception {
        return sentencesPerSecond(texts, batchSize, minSeconds, 1, function);
    }

    static double sentencesPerSecond(List<String> texts, int batchSize, double minSeconds, int workers, BatchFunction function)
            throws Exception {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, was " + workers);
        }
        // every worker warms up, then all start timing together; a worker that fails deregisters,
        // so the others are never left waiting for it
        AtomicLong started = new AtomicLong();
        Phaser warm = new Phaser(workers) {
            @Override
            protected boolean onAdvance(int phase, int registeredParties) {
                started.set(System.nanoTime());
                return true; // one phase only
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<Long>> results = new ArrayList<>(workers);
            for (int w = 0; w < workers; w++) {
                int first = w * batchSize;
                results.add(pool.submit(() -> run(texts, batchSize, minSeconds, first, warm, started, function)));
            }
            long sentences = 0;
            for (Future<Long> result : results) {
                sentences += result.get();
            }
            return sentences / ((System.nanoTime() - started.get()) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One worker: two warm-up batches, then batches until {@code minSeconds} and a full pass; the sentences timed. */
    private static long run(List<String> texts, int batchSize, double minSeconds, int firstBatch, Phaser warm,
                            AtomicLong started, BatchFunction function) throws Exception {
        int cursor = firstBatch;
        try {
            for (int i = 0; i < 2; i++) {
                function.apply(slice(texts, cursor, batchSize));
                cursor += batchSize;
            }
        } catch (Exception | Error e) {
            warm.arriveAndDeregister();
            throw e;
        }
        warm.arriveAndAwaitAdvance();
        long done = 0;
        do {
            function.apply(slice(texts, cursor, batchSize));
            cursor += batchSize;
            done += batchSize;
        } while ((System.nanoTime() - started.get()) / 1e9 < minSeconds || done < texts.size());
        return done;
    }

    static List<String> slice(List<String> texts, int from, int size) {
        List<String> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            batch.add(texts.get((from + i) % texts.size()));
        }
        return batch;
    }
}
