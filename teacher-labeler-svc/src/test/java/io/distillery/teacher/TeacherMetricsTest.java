package io.distillery.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TeacherMetricsTest {

    @Test
    void softmaxOfKnownLogits() {
        // exp(0) : exp(ln 3) = 1 : 3
        assertArrayEquals(new double[] {0.25, 0.75}, TeacherMetrics.softmax(new float[] {0, (float) Math.log(3)}, 1),
                1e-6);
    }

    @Test
    void entropyAndConfidenceOfKnownLogits() {
        float[] logits = {0, (float) Math.log(3)};
        assertEquals(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), TeacherMetrics.entropy(logits, 1), 1e-6);
        assertEquals(0.75, TeacherMetrics.confidence(logits, 1), 1e-6);
    }

    @Test
    void equalLogitsAreMaximallyUncertain() {
        float[] logits = {4, 4, 4};
        assertEquals(Math.log(3), TeacherMetrics.entropy(logits, 1), 1e-9);
        assertEquals(1.0 / 3, TeacherMetrics.confidence(logits, 1), 1e-9);
    }

    @Test
    void temperatureSoftensWithoutChangingTheWinner() {
        float[] logits = {2, -1};
        assertTrue(TeacherMetrics.entropy(logits, 2) > TeacherMetrics.entropy(logits, 1));
        assertTrue(TeacherMetrics.confidence(logits, 2) < TeacherMetrics.confidence(logits, 1));
        // softmax(z / T) at T = 2 equals softmax(z / 2) at T = 1
        assertArrayEquals(TeacherMetrics.softmax(new float[] {1, -0.5f}, 1), TeacherMetrics.softmax(logits, 2), 1e-9);
        assertEquals(0, TeacherMetrics.argmax(logits));
    }

    @Test
    void hugeLogitsStayFinite() {
        float[] logits = {1000, -1000};
        assertEquals(1.0, TeacherMetrics.confidence(logits, 1), 1e-12);
        assertEquals(0.0, TeacherMetrics.entropy(logits, 1), 1e-12);
    }

    @Test
    void temperatureMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> TeacherMetrics.softmax(new float[] {1, 2}, 0));
    }

    @Test
    void entropyDistributionPercentiles() {
        // entropies 0 (certain) ×9 and ln 2 (undecided) ×1
        List<float[]> logits = new java.util.ArrayList<>();
        for (int i = 0; i < 9; i++) {
            logits.add(new float[] {100, -100});
        }
        logits.add(new float[] {0, 0});

        EntropyDistribution distribution = EntropyDistribution.of(logits, 1);

        assertEquals(10, distribution.count());
        assertEquals(0, distribution.p50(), 1e-9);
        assertEquals(0, distribution.p90(), 1e-9);
        assertEquals(Math.log(2), distribution.max(), 1e-9);
        assertEquals(Math.log(2) / 10, distribution.mean(), 1e-9);
        assertTrue(distribution.toJson().startsWith("{\"temperature\":1.000,\"count\":10,"));
    }
}
