package io.distillery.topics;

/**
 * The pause of a consume-transform-produce loop after a failed round: 100 ms doubling with each
 * failure in a row, at most 5 s, so a broker outage is retried quickly at first without spinning.
 */
public final class Backoff {

    private static final long FIRST_MILLIS = 100;
    private static final long MAX_MILLIS = 5_000;

    private Backoff() {
    }

    /** How long to pause after the given number of failures in a row (1 or more). */
    public static long millisAfter(int failures) {
        return Math.min(MAX_MILLIS, FIRST_MILLIS << Math.min(Math.max(failures, 1) - 1, 6));
    }

    /** Pauses after the given number of failures in a row; an interrupt ends the pause and stays set. */
    public static void pauseAfter(int failures) {
        sleep(millisAfter(failures));
    }

    /** Sleeps; an interrupt ends the sleep and stays set for the caller's loop to see. */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
