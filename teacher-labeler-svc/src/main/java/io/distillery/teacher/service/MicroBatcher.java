package io.distillery.teacher.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Dynamic micro-batching, without Kafka: items wait until there are enough of them to fill
 * {@code batchesPerFlush} batches, or until the oldest has waited {@code maxWait}; then
 * {@link #drain()} hands all of them out sorted by length and cut into batches of at most
 * {@code maxBatchSize}, so texts of similar length share a batch and padding stays small.
 *
 * <p>The queue is bounded by its caller: {@link #isFull()} says when to stop fetching more.
 * Not thread-safe: the labelling loop owns it. Times are {@link System#nanoTime()} values
 * passed in, so tests control the clock.
 *
 * @param <T> what is batched
 */
public final class MicroBatcher<T> {

    private record Entry<T>(T item, int length, long seq) {
    }

    private final int maxBatchSize;
    private final int capacity;
    private final long maxWaitNanos;
    private final List<Entry<T>> pending = new ArrayList<>();
    private long oldestNanos;
    private long seq;

    /**
     * @param maxBatchSize    the most items one teacher call sees
     * @param batchesPerFlush how many full batches make a flush due (the queue's capacity is their product)
     * @param maxWait         the longest the first item of a flush waits for company
     */
    public MicroBatcher(int maxBatchSize, int batchesPerFlush, Duration maxWait) {
        if (maxBatchSize < 1 || batchesPerFlush < 1 || maxWait.isNegative()) {
            throw new IllegalArgumentException("maxBatchSize and batchesPerFlush must be >= 1 and maxWait >= 0, got "
                    + maxBatchSize + ", " + batchesPerFlush + ", " + maxWait);
        }
        this.maxBatchSize = maxBatchSize;
        this.capacity = Math.multiplyExact(maxBatchSize, batchesPerFlush);
        this.maxWaitNanos = maxWait.toNanos();
    }

    /** Queues an item of the given length (characters or tokens: only the order matters). */
    public void add(T item, int length, long nowNanos) {
        if (pending.isEmpty()) {
            oldestNanos = nowNanos;
        }
        pending.add(new Entry<>(item, length, seq++));
    }

    public int size() {
        return pending.size();
    }

    public boolean isEmpty() {
        return pending.isEmpty();
    }

    /** How many items make a flush due at once. */
    public int capacity() {
        return capacity;
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }

    /** Whether the queue holds a full flush: stop fetching and drain. */
    public boolean isFull() {
        return pending.size() >= capacity;
    }

    /** Whether a flush is due: full, or the oldest item has waited long enough. */
    public boolean due(long nowNanos) {
        return !pending.isEmpty() && (isFull() || nowNanos - oldestNanos >= maxWaitNanos);
    }

    /** How long until a flush is due (0 if due now; {@link Long#MAX_VALUE} while empty). */
    public long nanosUntilDue(long nowNanos) {
        if (pending.isEmpty()) {
            return Long.MAX_VALUE;
        }
        if (isFull()) {
            return 0;
        }
        return Math.max(0, oldestNanos + maxWaitNanos - nowNanos);
    }

    /**
     * Everything queued, as batches of at most {@code maxBatchSize}: sorted by length (ties in
     * arrival order), so each batch holds texts of similar length. The queue is empty afterwards.
     */
    public List<List<T>> drain() {
        List<Entry<T>> sorted = new ArrayList<>(pending);
        pending.clear();
        sorted.sort(Comparator.comparingInt((Entry<T> e) -> e.length).thenComparingLong(e -> e.seq));
        List<List<T>> batches = new ArrayList<>();
        // Equal-sized batches (the last no smaller than the others by more than one) rather than
        // full ones and a runt: the same number of calls, each padded less.
        int count = (sorted.size() + maxBatchSize - 1) / maxBatchSize;
        int from = 0;
        for (int b = 0; b < count; b++) {
            int size = (sorted.size() - from) / (count - b);
            List<T> batch = new ArrayList<>(size);
            for (int i = from; i < from + size; i++) {
                batch.add(sorted.get(i).item);
            }
            batches.add(batch);
            from += size;
        }
        return batches;
    }
}
