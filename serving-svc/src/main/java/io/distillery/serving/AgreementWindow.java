package io.distillery.serving;

/** The fraction of the last {@code size} paired predictions on which two models agreed (NaN before any). */
public final class AgreementWindow {

    private final boolean[] agreed;
    private int next;
    private int count;
    private int agreements;

    public AgreementWindow(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("window size must be positive");
        }
        agreed = new boolean[size];
    }

    public synchronized void record(boolean agree) {
        if (count == agreed.length) {
            agreements -= agreed[next] ? 1 : 0;
        } else {
            count++;
        }
        agreed[next] = agree;
        agreements += agree ? 1 : 0;
        next = (next + 1) % agreed.length;
    }

    public synchronized double fraction() {
        return count == 0 ? Double.NaN : (double) agreements / count;
    }

    public synchronized int count() {
        return count;
    }

    public synchronized void reset() {
        next = 0;
        count = 0;
        agreements = 0;
    }
}
