package io.distillery.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateWindowTest {

    @Test
    void aRateNeedsTwoSamplesWithinTheWindow() {
        RateWindow rate = new RateWindow(Duration.ofMinutes(1));
        assertEquals(0.0, rate.perSecond(), "nothing recorded");
        rate.record(100);
        assertEquals(0.0, rate.perSecond(), "one sample has no duration");
        rate.record(50);
        assertTrue(rate.perSecond() > 0, "50 events over the time between the samples");
    }

    @Test
    void samplesOlderThanTheWindowAreForgotten() {
        RateWindow rate = new RateWindow(Duration.ZERO);
        rate.record(10);
        rate.record(10);
        assertEquals(0.0, rate.perSecond(), "with an empty window every sample is already too old");
    }
}
