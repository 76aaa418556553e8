package io.distillery.student;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Helper threads that run one half of a BiLSTM inference (the reverse direction) while the caller
 * runs the other. A single text's latency is mostly PyTorch's fixed cost per LSTM call (~150 µs per
 * direction here, student-model's README); two single-direction calls on two cores finish in about
 * the time of one, against one fused bidirectional call that pays for both directions in sequence.
 *
 * <p>Only when a helper is free ({@link #tryBoth} returns null otherwise, and the caller takes the
 * fused call): under load every core is busy anyway, and the fused call does less work in all.
 * A task the helper has not started by the time the caller is done with its own half is run by the
 * caller ({@link FutureTask#run} claims it), so a slow helper never adds latency. Helpers are
 * daemon threads with PyTorch's grad mode off; {@link #enable} switches them off for a process
 * that must use one thread ({@link StudentRuntime#useThreads}).
 */
final class DirectionWorkers {

    /** Both halves' results. */
    record Both<T>(T here, T there) {
    }

    private static final int SIZE = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);
    private static final Semaphore FREE = new Semaphore(SIZE);
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final ExecutorService POOL = SIZE == 0 ? null : Executors.newFixedThreadPool(SIZE, task -> {
        Thread thread = new Thread(task, "bilstm-direction-" + NAMES.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private static final AtomicLong PAIRS = new AtomicLong();
    private static volatile boolean enabled = SIZE > 0;

    private DirectionWorkers() {
    }

    static void enable(boolean on) {
        enabled = on && SIZE > 0;
    }

    static boolean enabled() {
        return enabled;
    }

    /** How many {@link #tryBoth} calls took a helper so far. */
    static long pairs() {
        return PAIRS.get();
    }

    /**
     * Runs {@code here} on this thread and {@code there} on a free helper, and returns both; null
     * (nothing run) when no helper is free or helpers are off. Neither returns before both are
     * finished, so NDArrays the two share stay open for both.
     */
    static <T> Both<T> tryBoth(Callable<T> here, Callable<T> there) {
        if (!enabled || !FREE.tryAcquire()) {
            return null;
        }
        PAIRS.incrementAndGet();
        FutureTask<T> task = new FutureTask<>(() -> {
            try (NoGrad noGrad = NoGrad.enter()) {
                return there.call();
            }
        });
        try {
            POOL.execute(task);
            T first;
            try {
                first = here.call();
            } finally {
                task.run(); // runs it here unless the helper has begun (then a no-op)
            }
            return new Both<>(first, task.get());
        } catch (ExecutionException e) {
            throw unchecked(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the helper ran the other direction", e);
        } catch (Exception e) {
            throw unchecked(e);
        } finally {
            awaitQuietly(task); // the helper may still hold arrays of the caller's scope
            FREE.release();
        }
    }

    private static void awaitQuietly(FutureTask<?> task) {
        boolean interrupted = false;
        while (!task.isDone()) {
            try {
                task.get();
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static RuntimeException unchecked(Throwable e) {
        if (e instanceof RuntimeException runtime) {
            return runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(e);
    }
}
