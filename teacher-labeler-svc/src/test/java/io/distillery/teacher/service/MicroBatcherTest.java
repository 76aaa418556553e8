package io.distillery.teacher.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

    private static final long MS = 1_000_000;

    @Test
    void anEmptyBatcherIsNeverDue() {
        MicroBatcher<String> batcher = new MicroBatcher<>(4, 2, Duration.ofMillis(50));
        assertFalse(batcher.due(0));
        assertFalse(batcher.due(Long.MAX_VALUE / 2));
        assertEquals(Long.MAX_VALUE, batcher.nanosUntilDue(0));
        assertEquals(List.of(), batcher.drain());
    }

    @Test
    void aFlushIsDueWhenTheOldestItemHasWaitedMaxWait() {
        MicroBatcher<String> batcher = new MicroBatcher<>(4, 2, Duration.ofMillis(50));
        batcher.add("a", 1, 100 * MS);
        batcher.add("b", 1, 140 * MS);
        assertFalse(batcher.due(149 * MS));
        assertEquals(1 * MS, batcher.nanosUntilDue(149 * MS));
        assertTrue(batcher.due(150 * MS), "measured from the first item, not the last");
        assertEquals(List.of(List.of("a", "b")), batcher.drain());
        assertTrue(batcher.isEmpty());
        batcher.add("c", 1, 500 * MS);
        assertFalse(batcher.due(540 * MS), "the wait restarts after a drain");
    }

    @Test
    void aFlushIsDueAtOnceWhenFull() {
        MicroBatcher<Integer> batcher = new MicroBatcher<>(4, 2, Duration.ofSeconds(10));
        for (int i = 0; i < 7; i++) {
            batcher.add(i, i, 0);
        }
        assertFalse(batcher.isFull());
        assertFalse(batcher.due(0));
        batcher.add(7, 7, 0);
        assertTrue(batcher.isFull());
        assertEquals(8, batcher.capacity());
        assertTrue(batcher.due(0));
        assertEquals(0, batcher.nanosUntilDue(0));
    }

    @Test
    void batchesAreSortedByLengthSoSimilarLengthsShareABatch() {
        MicroBatcher<String> batcher = new MicroBatcher<>(3, 4, Duration.ZERO);
        List<String> texts = List.of("a long sentence here", "hi", "a medium one", "ok", "the longest sentence of them all",
                "yes", "mid length");
        texts.forEach(t -> batcher.add(t, t.length(), 0));
        List<List<String>> batches = batcher.drain();
        assertEquals(List.of(List.of("hi", "ok"), List.of("yes", "mid length"),
                List.of("a medium one", "a long sentence here", "the longest sentence of them all")), batches);
    }

    @Test
    void equalLengthsKeepArrivalOrderAndNoBatchExceedsTheMaximum() {
        MicroBatcher<Integer> batcher = new MicroBatcher<>(8, 10, Duration.ZERO);
        IntStream.range(0, 50).forEach(i -> batcher.add(i, 5, 0));
        List<List<Integer>> batches = batcher.drain();
        assertEquals(7, batches.size(), "ceil(50 / 8) calls");
        assertTrue(batches.stream().allMatch(b -> b.size() <= 8 && b.size() >= 7), batches.toString());
        assertEquals(IntStream.range(0, 50).boxed().toList(), batches.stream().flatMap(List::stream).toList());
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MicroBatcher<>(0, 1, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new MicroBatcher<>(1, 0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new MicroBatcher<>(1, 1, Duration.ofMillis(-1)));
    }
}
