package io.distillery.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RoutingTest {

    @Test
    void theCanaryGetsItsFractionOfIdsWithinSamplingError() {
        int n = 20_000;
        for (double fraction : new double[] {0.05, 0.25, 0.5}) {
            int canary = 0;
            for (int i = 0; i < n; i++) {
                canary += Routing.toCanary("tweet-" + i, fraction) ? 1 : 0;
            }
            double share = (double) canary / n;
            double sigma = Math.sqrt(fraction * (1 - fraction) / n);
            assertEquals(fraction, share, 5 * sigma, "fraction " + fraction);
        }
    }

    @Test
    void theChoiceIsAFunctionOfTheIdAndGrowsWithTheFraction() {
        for (int i = 0; i < 1000; i++) {
            String id = "r" + i;
            assertEquals(Routing.toCanary(id, 0.3), Routing.toCanary(id, 0.3));
            // an id in the 10% canary stays in the canary when it widens to 30%
            if (Routing.toCanary(id, 0.1)) {
                assertTrue(Routing.toCanary(id, 0.3), id);
            }
        }
        assertFalse(Routing.toCanary("x", 0));
        assertTrue(Routing.toCanary("x", 1));
    }

    @Test
    void escalationIsStrictlyBelowTheThresholdAndZeroTurnsItOff() {
        assertTrue(Routing.escalate(0.59, 0.6));
        assertFalse(Routing.escalate(0.6, 0.6));
        assertFalse(Routing.escalate(0.5, 0.0));
        assertTrue(Routing.escalate(0.99, 1.01));
    }

    @Test
    void agreementIsMeasuredOverTheLastWindow() {
        AgreementWindow w = new AgreementWindow(4);
        assertTrue(Double.isNaN(w.fraction()));
        w.record(true);
        w.record(false);
        assertEquals(0.5, w.fraction());
        w.record(true);
        w.record(true);
        w.record(true); // pushes out the first true
        assertEquals(0.75, w.fraction());
        w.record(true); // pushes out the false
        assertEquals(1.0, w.fraction());
    }

    @Test
    void scoredPicksTheArgMax() {
        Scored s = Scored.of(java.util.List.of("negative", "positive"), new float[] {0.3f, 0.7f});
        assertEquals("positive", s.label());
        assertEquals(0.7, s.confidence(), 1e-6);
        assertEquals(2, s.probabilities().size());
    }
}
