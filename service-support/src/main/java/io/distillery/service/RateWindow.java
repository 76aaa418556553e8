package io.distillery.service;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Events per second over a sliding window, for "throughput now" gauges: counters give totals,
 * a dashboard wants the current rate. Reads 0 when nothing happened within the window.
 */
public final class RateWindow {

    private final long windowNanos;
    /** (nanoTime, running total) samples no older than the window, oldest first. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private long total;

    public RateWindow(Duration window) {
        this.windowNanos = window.toNanos();
    }

    public synchronized void record(long events) {
        long now = System.nanoTime();
        total += events;
        samples.addLast(new long[] {now, total});
        while (samples.size() > 1 && now - samples.peekFirst()[0] > windowNanos) {
            samples.removeFirst();
        }
    }

    public synchronized double perSecond() {
        if (samples.size() < 2 || System.nanoTime() - samples.peekLast()[0] > windowNanos) {
            return 0;
        }
        long[] first = samples.peekFirst();
        long[] last = samples.peekLast();
        return (last[1] - first[1]) / ((last[0] - first[0]) / 1e9);
    }
}
