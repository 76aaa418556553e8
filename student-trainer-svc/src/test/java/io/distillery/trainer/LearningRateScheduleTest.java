package io.distillery.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.trainer.LearningRateSchedule.Decay;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void warmsUpLinearlyToThePeak() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3f, 10, Decay.CONSTANT, 0, 0f, 0);
        assertEquals(1e-4f, s.at(1), 1e-9);
        assertEquals(5e-4f, s.at(5), 1e-9);
        assertEquals(1e-3f, s.at(10), 1e-9);
        assertEquals(1e-3f, s.at(1000), 1e-9);
    }

    @Test
    void inverseSqrtDecaysFromThePeakAndNeverBelowTheFloor() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3f, 100, Decay.INVERSE_SQRT, 0, 1e-5f, 0);
        assertEquals(1e-3f, s.at(100), 1e-9);
        assertEquals(1e-3f * Math.sqrt(100.0 / 400), s.at(400), 1e-9);
        assertEquals(1e-4f, s.at(10_000), 1e-9);
        assertEquals(1e-5f, s.at(100_000_000L), 1e-12);
        for (long step = 101; step < 2000; step++) {
            assertTrue(s.at(step) <= s.at(step - 1), "monotone after warm-up at " + step);
        }
    }

    @Test
    void linearAndCosineReachTheMinimumAfterDecaySteps() {
        LearningRateSchedule linear = new LearningRateSchedule(1e-3f, 10, Decay.LINEAR, 100, 1e-4f, 0);
        assertEquals(1e-3f - 0.9e-3f * 50 / 100, linear.at(60), 1e-9);
        assertEquals(1e-4f, linear.at(110), 1e-9);
        assertEquals(1e-4f, linear.at(5000), 1e-9);
        LearningRateSchedule cosine = new LearningRateSchedule(1e-3f, 0, Decay.COSINE, 100, 0f, 0);
        assertEquals(0.5e-3f, cosine.at(50), 1e-8);
        assertEquals(0f, cosine.at(100), 1e-9);
    }

    @Test
    void aResumedScheduleContinuesWhereTheLineageWas() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3f, 100, Decay.INVERSE_SQRT, 0, 0f, 0);
        LearningRateSchedule resumed = s.continuingAfter(400);
        // DJL's Adam counts its own updates from 1
        assertEquals(s.at(401), resumed.getNewValue(1), 1e-12);
        assertEquals(s.at(500), resumed.getNewValue(100), 1e-12);
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(0f, 10, Decay.CONSTANT, 0, 0f, 0));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-3f, 10, Decay.LINEAR, 0, 0f, 0));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-3f, 10, Decay.CONSTANT, 0, 1f, 0));
    }
}
