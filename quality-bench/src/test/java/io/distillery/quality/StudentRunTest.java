package io.distillery.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.student.Architecture;
import io.distillery.student.DistillationLoss;
import io.distillery.student.StudentTokenizer;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StudentRunTest {

    /** Texts of lengths 1..n in a scrambled order. */
    private static List<String> texts(int n) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add("x".repeat(1 + (i * 7919) % n));
        }
        return texts;
    }

    @Test
    void everyExampleOnceAnEpochInBatchesOfAtMostTheSize() {
        List<String> texts = texts(7_000);
        List<int[]> batches = StudentRun.lengthBucketedBatches(texts, 64, new Random(1));
        int[] seen = new int[texts.size()];
        for (int[] batch : batches) {
            assertTrue(batch.length >= 1 && batch.length <= 64, "batch of " + batch.length);
            for (int i : batch) {
                seen[i]++;
            }
        }
        assertTrue(Arrays.stream(seen).allMatch(count -> count == 1), "each example exactly once");
        // pools of 50 x 64 = 3,200: two full pools of 50 batches, then 600 examples = 9 full batches and one of 24
        assertEquals(110, batches.size());
    }

    @Test
    void batchesPadLittleButStillChangeFromEpochToEpoch() {
        List<String> texts = texts(6_400);
        Random random = new Random(1);
        List<int[]> first = StudentRun.lengthBucketedBatches(texts, 64, random);
        long padded = 0;
        for (int[] batch : first) {
            int max = Arrays.stream(batch).map(i -> texts.get(i).length()).max().orElseThrow();
            padded += Arrays.stream(batch).mapToLong(i -> max - texts.get(i).length()).sum();
        }
        // random batches of lengths 1..6,400 would pad ~3,100 characters a text; pools of 50 sorted batches ~64
        assertTrue(padded / texts.size() < 200, "mean padding " + padded / texts.size());
        List<int[]> second = StudentRun.lengthBucketedBatches(texts, 64, random);
        assertNotEquals(Arrays.deepToString(first.toArray()), Arrays.deepToString(second.toArray()));
    }

    /** A batch TrainingSession refuses (non-finite gradients) is skipped and counted; the run goes on. */
    @Test
    void aRefusedBatchIsSkippedAndTheRunGoesOn() throws Exception {
        StudentTokenizer tokenizer;
        try (InputStream in = StudentRunTest.class.getResourceAsStream("/all-minilm-l6-v2-q-tokenizer.json")) {
            tokenizer = StudentTokenizer.fromBytes(in.readAllBytes(), "minilm-l6-q");
        }
        List<String> texts = List.of("good", "bad", "great", "awful", "fine", "poor", "superb", "dreadful");
        float[][] logits = new float[texts.size()][];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = i % 2 == 0 ? new float[] {-1f, 1f} : new float[] {1f, -1f};
        }
        logits[3] = new float[] {Float.NaN, 1f}; // poisons whichever of the two batches holds it
        StudentRun.Settings settings = new StudentRun.Settings(Architecture.mlp(tokenizer.vocabSize(), 2), 0.01f, 4, 1, 3, 1, 10,
                1, null, false, 0, 0f);
        StudentRun.Outcome outcome = StudentRun.train(settings, tokenizer, List.of("negative", "positive"),
                TrainingSet.distilled("toy", texts, logits), DistillationLoss.tang(), List.of("good", "awful"), new int[] {1, 0});
        try {
            assertEquals(3, outcome.skippedBatches(), "one refused batch in each of 3 passes");
            assertEquals(3, outcome.steps(), "the other batch of each pass trained");
            assertTrue(outcome.devAccuracy() >= 0, "evaluated");
        } finally {
            outcome.student().close();
        }
    }
}
