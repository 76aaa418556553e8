package io.distillery.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import io.distillery.schemas.LabeledText;
import io.distillery.schemas.PartitionOffset;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.student.CheckpointCodec;
import io.distillery.student.Student;
import io.distillery.testing.CommittedRecords;
import io.distillery.testing.RealPlatform;
import io.distillery.testing.ServiceJar;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import io.distillery.trainer.TestTokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/**
 * The packaged trainer ({@code quarkus-run.jar}, its own JVM) is killed with SIGKILL while it
 * trains and started again, on the real broker and registry:
 * <ul>
 *   <li>the restarted trainer resumes from the last checkpoint written before the kill: its first
 *       checkpoint names that one as parent, and its position is past it (every partition ≥,
 *       more steps and examples);</li>
 *   <li>every checkpoint on student.checkpoints decodes ({@link CheckpointCodec}: checksum,
 *       shapes, tokenizer);</li>
 *   <li>once all input is consumed, the last checkpoint's offsets are text.labeled's end offsets
 *       and it counts every record exactly once (nothing skipped, nothing counted twice).</li>
 * </ul>
 * Runs in the {@code integration-test} phase, after {@code package} built the jar (the pom's
 * {@code packaged-service-it} execution passes {@code distillery.trainer.jar}); in the
 * {@code test} phase it is skipped.
 */
@RealPlatform
class TrainerCrashRestartIT {

    private static final String LINEAGE = "mlp-crash";
    private static final int BEFORE_KILL = 4_000;
    private static final int WHILE_DOWN = 1_000;

    @Test
    void aKilledTrainerResumesFromItsLastCheckpointAndSkipsNothing(TestPlatform platform) throws Exception {
        Path jar = ServiceJar.packagedJar("distillery.trainer.jar");

        String prefix = platform.uniqueName("trainer-kill") + ".";
        platform.createTopics(Topics.newTopics(prefix, (short) 1));
        Topic<LabeledText> labeled = Topics.TEXT_LABELED.withPrefix(prefix);
        Topic<StudentCheckpoint> checkpoints = Topics.STUDENT_CHECKPOINTS.withPrefix(prefix);
        RegistryConfig registry = RegistryConfig.at(platform.registryUrl());
        List<LabelledSentence> train = UciSentiment.split(Split.TRAIN);
        Path logs = Files.createDirectories(Path.of("target", "distillery-it", "trainer-kill"));
        Path tokenizer = TestTokenizers.writeTo(logs);

        LabeledTexts.produce(platform, labeled, registry, train, 0, BEFORE_KILL, 1);

        Instant killedAt;
        Instant restartedAt;
        Map<Integer, Long> end;
        long total;
        List<StudentCheckpoint> all;
        try (CheckpointTail tail = new CheckpointTail(platform, checkpoints, registry)) {
            try (ServiceJar first = launch(jar, platform, prefix, tokenizer, logs, "trainer-first").start()) {
                // at least one checkpoint, then SIGKILL while the rest of the input is being trained on
                tail.await(first, list -> !list.isEmpty());
                first.kill();
                killedAt = Instant.now();
                System.out.printf("{\"test\":\"trainer-kill\",\"killed_pid\":%d,\"log\":\"%s\"}%n", first.pid(), first.log());
            }

            // more input arrives while the trainer is down
            LabeledTexts.produce(platform, labeled, registry, train, BEFORE_KILL, WHILE_DOWN, 2);
            end = endOffsets(platform, labeled.name());
            total = end.values().stream().mapToLong(Long::longValue).sum();

            restartedAt = Instant.now();
            try (ServiceJar second = launch(jar, platform, prefix, tokenizer, logs, "trainer-second").start()) {
                all = tail.await(second, list -> !list.isEmpty() && offsets(list.get(list.size() - 1)).equals(end));
                int exit = second.stop(Duration.ofSeconds(60));
                assertTrue(exit == 0 || exit == 143, "clean exit on SIGTERM, was " + exit + "; see " + second.log());
            }
        }

        // which run wrote what: by creation time (the same clock), so a checkpoint the killed JVM
        // had in flight counts as its own even if the broker appended it after the kill
        List<StudentCheckpoint> beforeKill = all.stream().filter(c -> c.getCreatedAt().isBefore(killedAt)).toList();
        List<StudentCheckpoint> afterRestart = all.stream().filter(c -> c.getCreatedAt().isAfter(restartedAt)).toList();
        assertEquals(all.size(), beforeKill.size() + afterRestart.size(), "every checkpoint belongs to one of the two runs");
        assertTrue(!beforeKill.isEmpty() && !afterRestart.isEmpty(), beforeKill.size() + " before, " + afterRestart.size() + " after");
        StudentCheckpoint lastBeforeKill = beforeKill.get(beforeKill.size() - 1);
        assertTrue(lastBeforeKill.getTrainingPosition().getExamples() < BEFORE_KILL,
                "the kill came after everything was trained (" + lastBeforeKill.getTrainingPosition() + "): the test needs more input");

        StudentCheckpoint firstAfter = afterRestart.get(0);
        assertNotNull(firstAfter.getParentId(), firstAfter.getId());
        assertEquals(lastBeforeKill.getId(), firstAfter.getParentId(), "resumed from the last checkpoint before the kill");
        Map<Integer, Long> before = offsets(lastBeforeKill);
        Map<Integer, Long> resumed = offsets(firstAfter);
        for (Map.Entry<Integer, Long> p : before.entrySet()) {
            assertTrue(resumed.getOrDefault(p.getKey(), 0L) >= p.getValue(),
                    "partition " + p.getKey() + " went back: " + before + " -> " + resumed);
        }
        assertTrue(firstAfter.getTrainingPosition().getSteps() > lastBeforeKill.getTrainingPosition().getSteps());
        assertTrue(firstAfter.getTrainingPosition().getExamples() > lastBeforeKill.getTrainingPosition().getExamples());
        // one chain: each checkpoint continues the one before it
        for (int i = 1; i < all.size(); i++) {
            assertEquals(all.get(i - 1).getId(), all.get(i).getParentId(), "checkpoint " + i + " of " + all.size());
        }

        StudentCheckpoint last = all.get(all.size() - 1);
        assertEquals(end, offsets(last), "the last position is text.labeled's end: nothing skipped");
        assertEquals(total, last.getTrainingPosition().getExamples(),
                "every record counted once (nothing dead-lettered, nothing counted twice across the crash)");

        // every checkpoint on the topic decodes: checksum, shapes, architecture, tokenizer
        for (StudentCheckpoint c : all) {
            try (Student student = CheckpointCodec.decode(c, TestTokenizers.miniLm())) {
                assertEquals(UciSentiment.LABELS, student.labels());
            }
        }
        System.out.printf("{\"test\":\"trainer-kill\",\"records\":%d,\"checkpoints_before_kill\":%d,\"after_restart\":%d,"
                        + "\"resumed_at_examples\":%d,\"final_steps\":%d}%n",
                total, beforeKill.size(), afterRestart.size(), lastBeforeKill.getTrainingPosition().getExamples(),
                last.getTrainingPosition().getSteps());
        assertEquals(0, CommittedRecords.readAll(platform, labeled.name() + ".dlq").size(), "no dead letters");
    }

    private static ServiceJar.Launch launch(Path jar, TestPlatform platform, String prefix, Path tokenizer, Path logs, String name) {
        return ServiceJar.of(jar).platform(platform, prefix).name(name).logDir(logs)
                .env("DISTILLERY_TRAINER_TOKENIZER", tokenizer.toAbsolutePath().toString())
                .env("DISTILLERY_TRAINER_LINEAGE", LINEAGE)
                .env("DISTILLERY_TRAINER_CHECKPOINT_EVERY_STEPS", "20")
                .env("DISTILLERY_TRAINER_CHECKPOINT_EVERY", "3s")
                .env("DISTILLERY_TRAINER_PARTIAL_BATCH_AFTER", "300ms")
                .env("DISTILLERY_TRAINER_EVAL_EVERY", "0");
    }

    /** Follows student.checkpoints from its start, deserializing each checkpoint once, in offset order. */
    private static final class CheckpointTail implements AutoCloseable {
        private final Topic<StudentCheckpoint> topic;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Deserializer<StudentCheckpoint> deserializer;
        private final List<StudentCheckpoint> seen = new ArrayList<>();

        CheckpointTail(TestPlatform platform, Topic<StudentCheckpoint> topic, RegistryConfig registry) {
            this.topic = topic;
            Map<String, Object> props = platform.clientProperties();
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.putAll(topic.consumerOverrides());
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            TopicPartition partition = new TopicPartition(topic.name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            deserializer = topic.valueSerde(registry).deserializer();
        }

        /** Polls until {@code done} holds for everything seen so far; fails if the service exits or after 4 minutes. */
        List<StudentCheckpoint> await(ServiceJar service, Predicate<List<StudentCheckpoint>> done) {
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (!done.test(seen)) {
                service.requireAlive();
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("checkpoints did not get there in 4 minutes: " + seen.size() + " seen, last "
                            + (seen.isEmpty() ? "none" : seen.get(seen.size() - 1).getTrainingPosition()) + "; log "
                            + service.log() + ":\n" + service.tail(30));
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    StudentCheckpoint c = deserializer.deserialize(topic.name(), r.value());
                    assertEquals(LINEAGE, c.getLineage(), "only this trainer writes here");
                    seen.add(c);
                }
            }
            return List.copyOf(seen);
        }

        @Override
        public void close() {
            consumer.close();
            deserializer.close();
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
