package io.distillery.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import io.distillery.schemas.LabeledText;
import io.distillery.schemas.PartitionOffset;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.student.Architecture;
import io.distillery.testing.CommittedRecords;
import io.distillery.testing.RealPlatform;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.DeadLetters;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import io.distillery.trainer.DevSet;
import io.distillery.trainer.LearningRateSchedule;
import io.distillery.trainer.Trainer;
import io.distillery.trainer.TrainerSettings;
import io.distillery.trainer.TestTokenizers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

/**
 * The training loop on the real broker and registry: UCI sentences labelled with synthetic
 * teacher logits (from their gold labels) are trained on, a checkpoint with metrics and a
 * position covering everything consumed appears on student.checkpoints, a broken record goes to
 * the dead-letter topic; a restarted loop resumes from the checkpoint's offsets and trains exactly
 * the records produced since (none again, none skipped), continuing the lineage.
 */
@RealPlatform
class TrainingLoopIT {

    private static final String LINEAGE = "mlp-it";
    private static final int FIRST = 600;
    private static final int SECOND = 200;

    @Test
    void checkpointsCoverWhatWasConsumedAndARestartResumesFromThem(TestPlatform platform) throws Exception {
        String prefix = platform.uniqueName("trainer") + ".";
        platform.createTopics(Topics.newTopics(prefix, (short) 1));
        Topic<LabeledText> labeled = Topics.TEXT_LABELED.withPrefix(prefix);
        Topic<StudentCheckpoint> checkpoints = Topics.STUDENT_CHECKPOINTS.withPrefix(prefix);
        RegistryConfig registry = RegistryConfig.at(platform.registryUrl());
        List<LabelledSentence> train = UciSentiment.split(Split.TRAIN);

        produce(platform, labeled, registry, train.subList(0, FIRST), true);

        // first run: a new lineage
        Set<String> trainedFirst = ConcurrentHashMap.newKeySet();
        StudentCheckpoint first;
        long started = System.nanoTime();
        double rate;
        try (CheckpointStore store = new CheckpointStore(checkpoints, registry, platform.clientProperties())) {
            TrainingLoop loop = loop(platform, labeled, store, registry);
            long[] firstAndLastBatch = new long[2];
            loop.observeTrained(batch -> {
                long now = System.nanoTime();
                if (firstAndLastBatch[0] == 0) {
                    firstAndLastBatch[0] = now;
                }
                firstAndLastBatch[1] = now;
                batch.forEach(e -> assertTrue(trainedFirst.add(e.partition() + "@" + e.offset()), "trained twice: " + e));
                // batches are cut from groups sorted by length (in arrival order, 32 UCI sentences never are)
                for (int i = 1; i < batch.size(); i++) {
                    assertTrue(batch.get(i - 1).text().length() <= batch.get(i).text().length(), "not sorted by length: " + batch);
                }
            });
            Thread thread = new Thread(loop, "it-loop-1");
            thread.start();
            awaitSize(trainedFirst, FIRST, loop);
            double seconds = (System.nanoTime() - started) / 1e9;
            // steady state: examples after the first batch over the time from the first to the last step
            rate = (FIRST - 32) / ((firstAndLastBatch[1] - firstAndLastBatch[0]) / 1e9);
            first = loop.requestCheckpoint().get(2, TimeUnit.MINUTES);
            loop.stop();
            thread.join(60_000);
            System.out.printf("{\"test\":\"trainer-loop\",\"examples\":%d,\"seconds_incl_startup\":%.1f,\"steady_examples_per_s\":%.0f,"
                    + "\"checkpoint\":\"%s\",\"metrics\":\"%s\"}%n", FIRST, seconds, rate, first.getId(), first.getMetrics());
        }
        assertNull(first.getParentId());
        assertEquals(FIRST, first.getTrainingPosition().getExamples());
        assertTrue(first.getMetrics().get(Trainer.DEV_ACCURACY) > 0.0, first.getMetrics().toString());
        assertTrue(first.getMetrics().containsKey(Trainer.TEACHER_AGREEMENT), first.getMetrics().toString());
        // the position covers everything consumed: every record produced, the dead letter included
        assertEquals(endOffsets(platform, labeled.name()), offsets(first));

        // the checkpoint is on the topic, and the broken record in the dead-letter topic
        try (CheckpointStore store = new CheckpointStore(checkpoints, registry, platform.clientProperties())) {
            assertEquals(first.getId().toString(), store.latest(LINEAGE).orElseThrow().getId().toString());
        }
        List<ConsumerRecord<byte[], byte[]>> dead = CommittedRecords.readUntil(platform, labeled.name() + ".dlq",
                records -> !records.isEmpty(), Duration.ofSeconds(30));
        assertEquals(1, dead.size());
        assertEquals("student-trainer-svc", DeadLetters.header(dead.get(0).headers(), DeadLetters.SERVICE).orElseThrow());

        // second run: more data arrives; a restarted loop resumes from the checkpoint
        produce(platform, labeled, registry, train.subList(FIRST, FIRST + SECOND), false);
        Set<String> trainedSecond = ConcurrentHashMap.newKeySet();
        StudentCheckpoint second;
        try (CheckpointStore store = new CheckpointStore(checkpoints, registry, platform.clientProperties())) {
            TrainingLoop loop = loop(platform, labeled, store, registry);
            loop.observeTrained(batch -> batch.forEach(e -> assertTrue(trainedSecond.add(e.partition() + "@" + e.offset()))));
            Thread thread = new Thread(loop, "it-loop-2");
            thread.start();
            awaitSize(trainedSecond, SECOND, loop);
            Thread.sleep(3_000); // nothing else comes
            assertEquals(SECOND, trainedSecond.size());
            assertEquals(FIRST, loop.resumedFrom().examples());
            assertEquals(first.getTrainingPosition().getSteps(), loop.resumedFrom().steps());
            loop.stop(); // a clean stop publishes a last checkpoint
            thread.join(60_000);
            second = loop.lastCheckpoint().orElseThrow();
        }
        Set<String> overlap = new HashSet<>(trainedFirst);
        overlap.retainAll(trainedSecond);
        assertTrue(overlap.isEmpty(), "records trained again after the restart: " + overlap);
        assertEquals(first.getId().toString(), second.getParentId().toString());
        assertEquals(FIRST + SECOND, second.getTrainingPosition().getExamples());
        assertTrue(second.getTrainingPosition().getSteps() > first.getTrainingPosition().getSteps());
        assertEquals(endOffsets(platform, labeled.name()), offsets(second));
        // every record after the first checkpoint's offsets was trained by the second run
        for (PartitionOffset o : first.getTrainingPosition().getOffsets()) {
            long end = offsets(second).get(o.getPartition());
            for (long offset = o.getOffset(); offset < end; offset++) {
                assertTrue(trainedSecond.contains(o.getPartition() + "@" + offset), "skipped " + o.getPartition() + "@" + offset);
            }
        }
    }

    /**
     * A crash after the last checkpoint: what was trained since is lost with the process, so the
     * restarted loop trains exactly the records at or after the checkpoint's offsets.
     */
    @Test
    void afterACrashTheRecordsAfterTheLastCheckpointAreTrainedAgainAndNoneBefore(TestPlatform platform) throws Exception {
        String prefix = platform.uniqueName("crash") + ".";
        platform.createTopics(Topics.newTopics(prefix, (short) 1));
        Topic<LabeledText> labeled = Topics.TEXT_LABELED.withPrefix(prefix);
        Topic<StudentCheckpoint> checkpoints = Topics.STUDENT_CHECKPOINTS.withPrefix(prefix);
        RegistryConfig registry = RegistryConfig.at(platform.registryUrl());
        produce(platform, labeled, registry, UciSentiment.split(Split.TRAIN).subList(0, 500), false);
        Map<Integer, Long> all = endOffsets(platform, labeled.name());

        Set<String> trainedFirst = ConcurrentHashMap.newKeySet();
        StudentCheckpoint last;
        try (CheckpointStore store = new CheckpointStore(checkpoints, registry, platform.clientProperties())) {
            // one batch at a time (no length-bucket groups), so the checkpoints fall at steps 5, 10 and 15 of 16
            TrainingLoop loop = loop(platform, labeled, store, registry, 5, 1);
            loop.observeTrained(batch -> batch.forEach(e -> trainedFirst.add(e.partition() + "@" + e.offset())));
            Thread thread = new Thread(loop, "it-crash-1");
            thread.start();
            awaitSize(trainedFirst, 500, loop);
            loop.crash();
            thread.join(60_000);
            last = loop.lastCheckpoint().orElseThrow();
        }
        long included = last.getTrainingPosition().getExamples();
        assertTrue(included > 0 && included < 500, "the last checkpoint holds " + included + " of 500 (a crash lost the rest)");

        Set<String> trainedSecond = ConcurrentHashMap.newKeySet();
        try (CheckpointStore store = new CheckpointStore(checkpoints, registry, platform.clientProperties())) {
            TrainingLoop loop = loop(platform, labeled, store, registry, 5, 1);
            loop.observeTrained(batch -> batch.forEach(e -> assertTrue(trainedSecond.add(e.partition() + "@" + e.offset()))));
            Thread thread = new Thread(loop, "it-crash-2");
            thread.start();
            awaitSize(trainedSecond, (int) (500 - included), loop);
            Thread.sleep(2_000);
            loop.stop();
            thread.join(60_000);
            assertEquals(last.getId().toString(), loop.lastCheckpoint().orElseThrow().getParentId().toString());
            assertEquals(500, loop.lastCheckpoint().orElseThrow().getTrainingPosition().getExamples());
        }
        Map<Integer, Long> resumeAt = offsets(last);
        for (Map.Entry<Integer, Long> partition : all.entrySet()) {
            long from = resumeAt.getOrDefault(partition.getKey(), 0L);
            for (long offset = 0; offset < partition.getValue(); offset++) {
                String id = partition.getKey() + "@" + offset;
                assertEquals(offset >= from, trainedSecond.contains(id), id + " (checkpoint resumes partition at " + from + ")");
            }
        }
        assertEquals(500 - included, trainedSecond.size());
    }

    private static TrainingLoop loop(TestPlatform platform, Topic<LabeledText> labeled, CheckpointStore store,
                                     RegistryConfig registry) {
        return loop(platform, labeled, store, registry, 1000, 4);
    }

    private static TrainingLoop loop(TestPlatform platform, Topic<LabeledText> labeled, CheckpointStore store,
                                     RegistryConfig registry, int checkpointEverySteps, int lengthBucketBatches) {
        TrainerSettings settings = new TrainerSettings(32,
                new LearningRateSchedule(3e-3f, 10, LearningRateSchedule.Decay.INVERSE_SQRT, 0, 1e-5f, 0), 5f,
                io.distillery.student.DistillationLoss.Kind.KL, 2f, 0.5f, 1000, 0.2, 0, 500, 1);
        DevSet dev = DevSet.of(UciSentiment.split(Split.DEV), UciSentiment.LABELS);
        Architecture mlp = Architecture.mlp(TestTokenizers.miniLm().vocabSize(), UciSentiment.LABELS.size());
        TrainingLoop.Settings loopSettings = new TrainingLoop.Settings(LINEAGE, labeled.name() + "-trainer", UciSentiment.LABELS,
                32, Duration.ofMillis(800), lengthBucketBatches, checkpointEverySteps, Duration.ofMinutes(10), 0, StudentTrainerService.SERVICE);
        return new TrainingLoop(loopSettings, labeled, store,
                latest -> latest.map(c -> Trainer.resume(c, TestTokenizers.miniLm(), settings, dev))
                        .orElseGet(() -> Trainer.fresh(mlp, UciSentiment.LABELS, TestTokenizers.miniLm(), settings, dev)),
                platform.clientProperties(), registry, new TrainerMetrics(new SimpleMeterRegistry(), LINEAGE));
    }

    private static void produce(TestPlatform platform, Topic<LabeledText> topic, RegistryConfig registry,
                                List<LabelledSentence> sentences, boolean withBrokenRecord) throws Exception {
        try (Serializer<LabeledText> serializer = topic.valueSerde(registry).serializer();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(platform.clientProperties(), new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            Instant now = Instant.now();
            for (int i = 0; i < sentences.size(); i++) {
                LabelledSentence s = sentences.get(i);
                LabeledText text = LabeledText.newBuilder().setId(s.id()).setParentId(s.id()).setText(s.text())
                        .setLogits(s.label().equals("positive") ? List.of(-2.5f, 2.5f) : List.of(2.5f, -2.5f))
                        .setLabelNames(List.of("negative", "positive")).setTeacherId("synthetic").setTeacherVersion("1")
                        .setTemperature(2f).setSource(s.source()).setEventTime(now.minusSeconds(sentences.size() - i))
                        .setLabeledAt(now).setGoldLabel(i % 2 == 0 ? s.label() : null).build();
                send(producer, new ProducerRecord<>(topic.name(), s.id().getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(topic.name(), text)));
                if (withBrokenRecord && i == sentences.size() / 2) {
                    send(producer, new ProducerRecord<>(topic.name(), 0, "broken".getBytes(StandardCharsets.UTF_8),
                            "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
    }

    /**
     * One record at a time, acknowledged: just after topic creation the broker may answer
     * NOT_LEADER / OUT_OF_ORDER_SEQUENCE, and a record that failed is sent again (the offsets
     * the test checks must be exactly the records produced).
     */
    private static void send(KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                producer.send(record).get();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static void awaitSize(Set<String> trained, int size, TrainingLoop loop) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (trained.size() < size) {
            if (loop.failure() != null) {
                throw new AssertionError("the loop failed", loop.failure());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("trained " + trained.size() + " of " + size);
            }
            Thread.sleep(100);
        }
    }

    private static Map<Integer, Long> offsets(StudentCheckpoint checkpoint) {
        Map<Integer, Long> map = new HashMap<>();
        for (PartitionOffset o : checkpoint.getTrainingPosition().getOffsets()) {
            map.put(o.getPartition(), o.getOffset());
        }
        return map;
    }

    /** End offset per partition that has records. */
    private static Map<Integer, Long> endOffsets(TestPlatform platform, String topic) throws Exception {
        try (Admin admin = platform.admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < Topics.TEXT_LABELED.partitions(); p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<Integer, Long> out = new HashMap<>();
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : admin.listOffsets(latest).all().get().entrySet()) {
                if (e.getValue().offset() > 0) {
                    out.put(e.getKey().partition(), e.getValue().offset());
                }
            }
            return out;
        }
    }
}
