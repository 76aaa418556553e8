package io.distillery.student;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.training.tracker.Tracker;
import java.util.List;
import org.junit.jupiter.api.Test;

class BagOfEmbeddingsMlpTest {

    private static final StudentTokenizer TOKENIZER = TestTokenizers.miniLm();

    @Test
    void paddingDoesNotChangeAPredictionAndWordOrderIsInvisible() {
        try (Student student = Student.create(Architecture.mlp(TOKENIZER.vocabSize(), 3), List.of("a", "b", "c"), TOKENIZER, 1)) {
            float[] alone = student.logits(List.of("not good at all"))[0];
            float[][] batch = student.logits(List.of("a much longer sentence so the other row gets padded", "not good at all",
                    "good not all at"));
            assertArrayEquals(alone, batch[1], 1e-5f);
            assertArrayEquals(alone, batch[2], 1e-5f);
            float[] p = student.probabilities(List.of("hello"))[0];
            assertEquals(1f, p[0] + p[1] + p[2], 1e-5f);
        }
    }

    /** Serving threads are not DJL's engine thread: PyTorch has grad mode on there by default. */
    @Test
    void inferenceOnAnotherThreadRecordsNoGraphAndLeavesGradModeAlone() throws Exception {
        try (Student student = Student.create(Architecture.mlp(TOKENIZER.vocabSize(), 2), List.of("a", "b"), TOKENIZER, 1)) {
            float[] here = student.logits(List.of("same text"))[0];
            float[][] there = new float[1][];
            boolean[] gradModeAfter = new boolean[1];
            Thread thread = new Thread(() -> {
                there[0] = student.logits(List.of("same text"))[0];
                gradModeAfter[0] = ai.djl.pytorch.jni.JniUtils.isGradMode();
            });
            thread.start();
            thread.join();
            assertArrayEquals(here, there[0], 0f);
            assertTrue(gradModeAfter[0], "grad mode restored to the thread's default");
        }
    }

    @Test
    void learnsFromTeacherLogitsWithMse() {
        List<String> texts = List.of("I loved it", "I hated it", "superb", "dreadful");
        float[][] teacher = {{-2f, 3f}, {2.5f, -2f}, {-1f, 1f}, {1f, -1f}};
        try (Student student = Student.create(Architecture.mlp(TOKENIZER.vocabSize(), 2), List.of("neg", "pos"), TOKENIZER, 2)) {
            TrainingSession session = new TrainingSession(student, DistillationLoss.tang(), Tracker.fixed(0.01f), 5f);
            float first = session.step(texts, teacher, null);
            float last = first;
            for (int i = 0; i < 60; i++) {
                last = session.step(texts, teacher, new int[] {1, 0, -1, -1});
            }
            assertTrue(last < first / 10, first + " -> " + last);
            assertEquals(List.of("pos", "neg", "pos", "neg"), student.predict(texts));
            assertEquals(61, session.steps());
        }
    }

    @Test
    void aBatchWithNonFiniteGradientsChangesNoWeightAndPoisonsNoLaterStep() {
        List<String> texts = List.of("I loved it", "I hated it");
        float[][] good = {{-2f, 3f}, {2.5f, -2f}};
        float[][] poisoned = {{Float.NaN, 3f}, {2.5f, -2f}};
        try (Student student = Student.create(Architecture.mlp(TOKENIZER.vocabSize(), 2), List.of("neg", "pos"), TOKENIZER, 3)) {
            TrainingSession session = new TrainingSession(student, DistillationLoss.tang(), Tracker.fixed(0.01f), 5f);
            session.step(texts, good, null);
            byte[] before = student.weights();
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> session.step(texts, poisoned, null));
            assertTrue(refused.getMessage().contains("gradient norm is NaN"), refused.getMessage());
            assertArrayEquals(before, student.weights(), "no update from the refused batch");
            float first = session.step(texts, good, null);
            assertTrue(Float.isFinite(first) && Double.isFinite(session.lastGradNorm()), first + ", norm " + session.lastGradNorm());
            float last = first;
            for (int i = 0; i < 40; i++) {
                last = session.step(texts, good, null);
            }
            assertTrue(last < first / 10, first + " -> " + last);
        }
    }
}
