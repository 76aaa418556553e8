package io.distillery.augmenter;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rate assertions with a principled tolerance: an observed rate of {@code hits / trials} is accepted
 * when it lies within four binomial standard deviations, sqrt(p (1 - p) / trials), of p. A correct
 * implementation fails such a check about once in 16,000 runs; the seeds are fixed anyway, so the
 * tests are deterministic, but the bound is what makes a pass meaningful.
 */
final class Binomial {

    static final double SIGMAS = 4.0;

    private Binomial() {
    }

    static double tolerance(double p, long trials) {
        return SIGMAS * Math.sqrt(p * (1 - p) / trials);
    }

    static void assertRate(String what, long hits, long trials, double p) {
        assertTrue(trials > 0, what + ": no trials");
        double rate = (double) hits / trials;
        double tolerance = tolerance(p, trials);
        assertTrue(Math.abs(rate - p) <= tolerance, () -> String.format(
                "%s: rate %.5f over %d trials, expected %.5f +/- %.5f (4 sigma)", what, rate, trials, p, tolerance));
    }
}
