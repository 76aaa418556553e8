package io.distillery.student;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeightAverageTest {

    private static final StudentTokenizer TOKENIZER = TestTokenizers.miniLm();
    private static final List<String> TEXTS = List.of("I loved it", "I hated it", "superb", "dreadful");
    private static final float[][] TEACHER = {{-2f, 3f}, {2.5f, -2f}, {-1f, 1f}, {1f, -1f}};

    @Test
    void foldsEachStepsWeightsInWithTheWarmUpThenTheConfiguredDecay() throws Exception {
        try (Student student = Student.create(Architecture.mlp(TOKENIZER.vocabSize(), 2), List.of("neg", "pos"), TOKENIZER, 5);
             WeightAverage average = new WeightAverage(student, 0.15f)) {
            TrainingSession session = new TrainingSession(student, DistillationLoss.tang(), Tracker.fixed(0.05f), 5f);
            List<float[]> expected = parameters(student); // the average starts at the current weights
            assertArrays(expected, parameters(average.student()));
            // d = min(decay, (1 + n) / (10 + n)): 0.1 (warm-up), then 2/11 = 0.18 capped at 0.15
            float[] decays = {0.1f, 0.15f, 0.15f};
            for (float d : decays) {
                session.step(TEXTS, TEACHER, null);
                List<float[]> now = parameters(student);
                for (int p = 0; p < now.size(); p++) {
                    for (int i = 0; i < now.get(p).length; i++) {
                        expected.get(p)[i] = d * expected.get(p)[i] + (1 - d) * now.get(p)[i];
                    }
                }
                average.update();
                assertArrays(expected, parameters(average.student()));
            }
            assertEquals(3, average.updates());
            float[] live = student.logits(List.of("superb"))[0];
            float[] averaged = average.student().logits(List.of("superb"))[0];
            assertTrue(live[0] != averaged[0], "the average lags the live weights");
        }
    }

    @Test
    void refusesADecayOutsideTheOpenUnitInterval() {
        try (Student student = Student.create(Architecture.mlp(TOKENIZER.vocabSize(), 2), List.of("neg", "pos"), TOKENIZER, 5)) {
            for (float decay : new float[] {0f, 1f, -0.5f, Float.NaN}) {
                assertThrows(IllegalArgumentException.class, () -> new WeightAverage(student, decay), "decay " + decay);
            }
        }
    }

    private static List<float[]> parameters(Student student) {
        List<float[]> out = new ArrayList<>();
        student.block().getParameters().forEach(pair -> out.add(pair.getValue().getArray().toFloatArray()));
        return out;
    }

    private static void assertArrays(List<float[]> expected, List<float[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int p = 0; p < expected.size(); p++) {
            assertArrayEquals(expected.get(p), actual.get(p), 1e-6f, "parameter " + p);
        }
    }
}
