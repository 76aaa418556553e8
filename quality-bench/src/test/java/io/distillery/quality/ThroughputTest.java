package io.distillery.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ThroughputTest {

    private static final List<String> TEXTS = IntStream.range(0, 10).mapToObj(i -> "t" + i).toList();

    @Test
    void batchesWrapAroundTheTexts() {
        assertEquals(List.of("t8", "t9", "t0"), Throughput.slice(TEXTS, 8, 3));
        assertEquals(List.of("t2", "t3"), Throughput.slice(TEXTS, 12, 2));
    }

    @Test
    void everyWorkerWarmsUpAndThenCoversAFullPass() throws Exception {
        Map<String, AtomicInteger> batchesByThread = new ConcurrentHashMap<>();
        Map<String, String> firstBatchByThread = new ConcurrentHashMap<>();
        double rate = Throughput.sentencesPerSecond(TEXTS, 4, 0.0, 2, batch -> {
            assertEquals(4, batch.size());
            String thread = Thread.currentThread().getName();
            firstBatchByThread.putIfAbsent(thread, batch.get(0));
            batchesByThread.computeIfAbsent(thread, t -> new AtomicInteger()).incrementAndGet();
        });
        assertEquals(2, batchesByThread.size(), "one thread per worker");
        // 2 warm-up batches, then at least ceil(10 / 4) = 3 timed ones, each worker
        batchesByThread.values().forEach(n -> assertTrue(n.get() >= 5, n + " batches"));
        // worker w starts w batches in, so the two do not time the same batches
        assertEquals(List.of("t0", "t4"), firstBatchByThread.values().stream().sorted().toList());
        assertTrue(rate > 0 && Double.isFinite(rate), "rate " + rate);
    }

    @Test
    void aFailingBatchFailsTheMeasurement() {
        assertThrows(Exception.class, () -> Throughput.sentencesPerSecond(TEXTS, 4, 0.0, 2, batch -> {
            throw new IllegalStateException("broken");
        }));
    }

    @Test
    void oneWorkerFailingWhileAnotherWarmsUpFailsTheMeasurementWithoutHanging() {
        AtomicReference<String> failing = new AtomicReference<>();
        // A hang here means a failed worker left the others waiting (the module's fork timeout ends it).
        assertThrows(Exception.class, () -> Throughput.sentencesPerSecond(TEXTS, 4, 0.0, 2, batch -> {
            // the first thread to call fails at once; the other warms up and waits for it
            failing.compareAndSet(null, Thread.currentThread().getName());
            if (failing.get().equals(Thread.currentThread().getName())) {
                throw new IllegalStateException("broken");
            }
        }));
    }

    @Test
    void workersMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Throughput.sentencesPerSecond(TEXTS, 4, 0.0, 0, batch -> { }));
    }
}
