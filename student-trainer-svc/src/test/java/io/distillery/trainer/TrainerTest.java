package io.distillery.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import io.distillery.schemas.PartitionOffset;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.student.Architecture;
import io.distillery.student.DistillationLoss;
import io.distillery.trainer.LearningRateSchedule.Decay;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainerTest {

    private static final List<String> LABELS = UciSentiment.LABELS;
    private static final int STEPS = 200;

    private static TrainerSettings settings() {
        TrainerSettings d = TrainerSettings.defaults();
        return new TrainerSettings(32, d.schedule(), 5f, d.lossKind(), d.temperature(), d.alpha(), d.replayCapacity(),
                d.replayFraction(), d.evalEvery(), d.agreementWindow(), 7)
                .withSchedule(new LearningRateSchedule(5e-3f, 5, Decay.INVERSE_SQRT, 0, 1e-5f, 0))
                .withReplay(500, 0.2).withEvalEvery(0);
    }

    private static Trainer fresh(TrainerSettings settings, DevSet dev) {
        Architecture mlp = Architecture.mlp(TestTokenizers.miniLm().vocabSize(), LABELS.size());
        return Trainer.fresh(mlp, LABELS, TestTokenizers.miniLm(), settings, dev);
    }

    @Test
    void lossFallsOnSyntheticTeacherLogitsAndTheStudentLearnsToAgree() {
        DevSet dev = DevSet.of(UciSentiment.split(Split.DEV), LABELS);
        for (DistillationLoss.Kind kind : DistillationLoss.Kind.values()) {
            List<Example> stream = Synthetic.examples(32 * STEPS, "text.labeled", 0, 0);
            try (Trainer trainer = fresh(settings().withLoss(kind, 2f, kind == DistillationLoss.Kind.KL ? 0.5f : 1f), dev)) {
                double accuracyBefore = trainer.evaluate();
                double first = 0;
                double last = 0;
                for (int b = 0; b < STEPS; b++) {
                    Trainer.StepResult r = trainer.step(stream.subList(b * 32, (b + 1) * 32));
                    assertTrue(Float.isFinite(r.loss()));
                    if (b < 20) {
                        first += r.loss() / 20;
                    } else if (b >= STEPS - 20) {
                        last += r.loss() / 20;
                    }
                    if (b > 0) {
                        assertEquals(8, r.replayed(), "20% of each batch is replay once the buffer has examples");
                    }
                }
                System.out.printf("%s: loss %.4f -> %.4f%n", kind, first, last);
                assertTrue(last < 0.7 * first, kind + ": loss " + first + " -> " + last);
                double accuracyAfter = trainer.evaluate();
                assertTrue(accuracyAfter > accuracyBefore && accuracyAfter > 0.6,
                        kind + ": dev accuracy " + accuracyBefore + " -> " + accuracyAfter);
                assertTrue(trainer.teacherAgreement() > 0.6, kind + ": agreement " + trainer.teacherAgreement());
                Map<String, Double> metrics = trainer.metrics();
                assertEquals((double) STEPS, metrics.get(Trainer.STEPS));
                assertEquals(32.0 * STEPS, metrics.get(Trainer.EXAMPLES));
                assertEquals(500.0, metrics.get(Trainer.REPLAY_SIZE));
            }
        }
    }

    @Test
    void positionCountsTrainedAndSkippedRecordsPerPartitionAndCheckpointsCarryIt() {
        try (Trainer trainer = fresh(settings(), DevSet.of(UciSentiment.split(Split.DEV).subList(0, 40), LABELS))) {
            List<Example> p0 = Synthetic.examples(20, "text.labeled", 0, 100);
            List<Example> p3 = Synthetic.examples(10, "text.labeled", 3, 7);
            trainer.step(p0.subList(0, 10));
            trainer.skip("text.labeled", 0, 110); // a dead letter between two batches
            trainer.step(List.of(p0.get(11), p0.get(12), p3.get(0), p3.get(1)));
            Position position = trainer.position();
            assertEquals(2, position.steps());
            assertEquals(14, position.examples());
            assertEquals(Map.of(new Position.Partition("text.labeled", 0), 113L, new Position.Partition("text.labeled", 3), 9L),
                    position.nextOffsets());
            assertEquals(p0.get(12).eventTime(), position.maxEventTime());

            StudentCheckpoint first = trainer.snapshot("mlp-test", Instant.parse("2026-11-22T00:00:00Z"));
            assertNull(first.getParentId());
            assertEquals(2, first.getTrainingPosition().getSteps());
            assertEquals(14, first.getTrainingPosition().getExamples());
            assertEquals(List.of(new PartitionOffset("text.labeled", 0, 113L), new PartitionOffset("text.labeled", 3, 9L)),
                    first.getTrainingPosition().getOffsets());
            assertEquals(Instant.ofEpochMilli(p0.get(12).eventTime()), first.getTrainingPosition().getMaxEventTime());
            assertTrue(first.getMetrics().containsKey(Trainer.DEV_ACCURACY), first.getMetrics().toString());
            assertTrue(first.getMetrics().containsKey(Trainer.TEACHER_AGREEMENT));
            assertTrue(first.getId().toString().startsWith("mlp-test-2-"));

            // resume: same weights, same position, the next checkpoint continues the lineage
            try (Trainer resumed = Trainer.resume(first, TestTokenizers.miniLm(), settings(), DevSet.none())) {
                List<String> probe = List.of("great food", "awful service, never again");
                float[][] a = trainer.student().logits(probe);
                float[][] b = resumed.student().logits(probe);
                for (int i = 0; i < a.length; i++) {
                    for (int c = 0; c < a[i].length; c++) {
                        assertEquals(a[i][c], b[i][c], 1e-6);
                    }
                }
                assertEquals(position.nextOffsets(), resumed.position().nextOffsets());
                resumed.step(p0.subList(13, 20));
                StudentCheckpoint second = resumed.snapshot("mlp-test", Instant.now());
                assertEquals(first.getId().toString(), second.getParentId().toString());
                assertEquals(3, second.getTrainingPosition().getSteps());
                assertEquals(21, second.getTrainingPosition().getExamples());
                assertEquals(List.of(new PartitionOffset("text.labeled", 0, 120L), new PartitionOffset("text.labeled", 3, 9L)),
                        second.getTrainingPosition().getOffsets());
                assertEquals(resumed.schedule().at(3), second.getMetrics().get(Trainer.LEARNING_RATE), 1e-9);
            }
        }
    }

    @Test
    void rehearsalTrainsOnTheReplayBufferAloneAndLeavesTheDataPositionWhereItWas() {
        try (Trainer trainer = fresh(settings(), DevSet.none())) {
            List<Example> stream = Synthetic.examples(10 * 32, "text.labeled", 0, 0);
            assertTrue(trainer.rehearse(32).isEmpty(), "nothing to rehearse before the buffer holds a batch");
            for (int b = 0; b < 10; b++) {
                trainer.step(stream.subList(b * 32, (b + 1) * 32));
            }
            Position before = trainer.position();
            double errorBefore = squaredError(trainer, trainer.replay().contents());
            for (int i = 0; i < 60; i++) {
                Trainer.StepResult r = trainer.rehearse(32).orElseThrow();
                assertEquals(0, r.fresh());
                assertEquals(32, r.replayed());
            }
            Position after = trainer.position();
            assertEquals(before.steps() + 60, after.steps(), "rehearsal steps are optimiser steps");
            assertEquals(before.examples(), after.examples(), "but no new examples");
            assertEquals(before.nextOffsets(), after.nextOffsets(), "and no offset moved");
            double errorAfter = squaredError(trainer, trainer.replay().contents());
            System.out.printf("rehearsal: squared error to the teacher on the buffer %.4f -> %.4f%n", errorBefore, errorAfter);
            assertTrue(errorAfter < 0.8 * errorBefore, errorBefore + " -> " + errorAfter);
            assertTrue(trainer.rehearse(0).isEmpty());
        }
    }

    @Test
    void rehearsalBatchesAreRunsOfSimilarLengthInARandomOrder() {
        List<Example> pool = new ArrayList<>();
        Random lengths = new Random(3);
        for (int i = 0; i < 16 * 8 + 5; i++) {
            pool.add(new Example("x".repeat(1 + lengths.nextInt(200)), new float[] {0, 1}, -1, 0, "text.labeled", 0, i));
        }
        List<List<Example>> batches = Trainer.bucketByLength(pool, 8, new Random(1));
        assertEquals(16, batches.size(), "the remainder of 5 is dropped");
        batches.forEach(b -> assertEquals(8, b.size()));
        List<List<Example>> byLength = new ArrayList<>(batches);
        byLength.sort(Comparator.comparingInt(b -> b.get(0).text().length()));
        for (int i = 1; i < byLength.size(); i++) {
            int previousLongest = byLength.get(i - 1).stream().mapToInt(e -> e.text().length()).max().orElseThrow();
            int shortest = byLength.get(i).stream().mapToInt(e -> e.text().length()).min().orElseThrow();
            assertTrue(previousLongest <= shortest, "batch " + i + " overlaps the one before in length");
        }
        assertNotEquals(byLength, batches, "taken in a random order, not shortest first");
        assertEquals(128, batches.stream().flatMap(List::stream).map(Example::offset).distinct().count(), "no example twice");
    }

    @Test
    void replayedExamplesAreTheCandidatesClosestInLengthToTheFreshOnes() {
        List<Example> pool = new ArrayList<>();
        for (int length : new int[] {5, 200, 48, 90, 52, 3, 61, 150}) {
            pool.add(new Example("x".repeat(length), new float[] {0, 1}, -1, 0, "text.labeled", 0, length));
        }
        List<Integer> chosen = Trainer.closestInLength(pool, 3, 50).stream().map(e -> e.text().length()).sorted().toList();
        assertEquals(List.of(48, 52, 61), chosen);
        assertEquals(8, Trainer.closestInLength(pool, 20, 50).size(), "never more than the pool");
    }

    /** Mean squared distance between the student's and the teacher's logits. */
    private static double squaredError(Trainer trainer, List<Example> examples) {
        float[][] student = trainer.student().logits(examples.stream().map(Example::text).toList());
        double sum = 0;
        for (int i = 0; i < student.length; i++) {
            for (int c = 0; c < student[i].length; c++) {
                double d = student[i][c] - examples.get(i).teacher()[c];
                sum += d * d;
            }
        }
        return sum / student.length;
    }
}
