package io.distillery.teacher.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.UciSentiment;
import io.distillery.schemas.AugmentationOperation;
import io.distillery.schemas.AugmentedText;
import io.distillery.schemas.EscalatedText;
import io.distillery.schemas.LabelOrigin;
import io.distillery.schemas.LabeledText;
import io.distillery.schemas.Prediction;
import io.distillery.schemas.PredictionRoute;
import io.distillery.teacher.DeviceChoice;
import io.distillery.teacher.SmallTeacher;
import io.distillery.teacher.Teacher;
import io.distillery.testing.CommittedRecords;
import io.distillery.testing.RealPlatform;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.DeadLetters;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The labelling loop on the real broker and registry with a small real teacher: every augmented
 * and escalated text comes out labelled exactly once, even though the first instance hangs in
 * the teacher mid-stream, is thrown out of the group, and wakes up to commit its stale batch (a
 * zombie: it must be fenced); bad records go to the dead-letter topic with their reason.
 */
@RealPlatform
class LabelingLoopIT {

    private static final int AUGMENTED = 240;
    private static final int ESCALATED = 3;

    @TempDir
    Path bundleDir;

    @Test
    void everyTextIsLabelledExactlyOnceAcrossAZombieAndBadRecordsAreDeadLettered(TestPlatform platform) throws Exception {
        String prefix = platform.uniqueName("teacher") + ".";
        platform.createTopics(Topics.newTopics(prefix, (short) 1));
        LabelingTopics topics = LabelingTopics.withPrefix(prefix);
        RegistryConfig registry = RegistryConfig.at(platform.registryUrl());
        produceInputs(platform, topics, registry);

        String group = prefix + "teacher-labeler";
        Map<String, Object> clients = platform.clientProperties();
        // A hung instance is thrown out of the group after this long.
        clients.put("max.poll.interval.ms", 8000);
        try (Teacher teacher = Teacher.load(SmallTeacher.build(bundleDir), DeviceChoice.CPU);
             TeacherLabeler real = new TeacherLabeler(teacher)) {
            TeacherIdentity identity = TeacherIdentity.of(teacher.manifest(), java.util.Optional.empty());
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger calls = new AtomicInteger();
            Labeler hangsOnFifthCall = texts -> {
                if (calls.incrementAndGet() == 5) {
                    release.await(2, TimeUnit.MINUTES);
                }
                synchronized (real) {
                    return real.label(texts);
                }
            };
            Labeler shared = texts -> {
                synchronized (real) {
                    return real.label(texts);
                }
            };
            LabelingLoop zombie = new LabelingLoop(settings(group, "txn-zombie"), topics, hangsOnFifthCall, identity, clients,
                    registry, new SimpleMeterRegistry());
            Thread first = new Thread(zombie, "loop-zombie");
            first.start();
            while (calls.get() < 5) {
                Thread.sleep(50);
            }
            LabelingLoop healthy = new LabelingLoop(settings(group, "txn-healthy"), topics, shared, identity, clients,
                    registry, new SimpleMeterRegistry());
            Thread second = new Thread(healthy, "loop-healthy");
            second.start();
            Thread.sleep(12_000); // past max.poll.interval.ms: the hung instance has lost its partitions
            release.countDown();  // ...and now tries to commit what it labelled: it must be fenced
            CommittedRecords.awaitConsumed(platform, group, List.of(topics.augmented().name(), topics.escalated().name()),
                    Duration.ofMinutes(3));
            assertTrue(healthy.isAlive(Duration.ofMinutes(1)), "the healthy loop runs");
            zombie.stop();
            healthy.stop();
            first.join(30_000);
            second.join(30_000);
        }

        List<LabeledText> labeled = decode(platform, topics.labeled().name(), topics.labeled().valueSerde(registry));
        Map<String, Long> copies = labeled.stream().collect(Collectors.groupingBy(LabeledText::getId, Collectors.counting()));
        assertEquals(AUGMENTED + ESCALATED, copies.size(), "every text labelled");
        assertEquals(Set.of(1L), Set.copyOf(copies.values()), "none twice");
        for (LabeledText l : labeled) {
            assertEquals(2, l.getLogits().size());
            assertTrue(l.getLogits().stream().allMatch(f -> Float.isFinite(f)), l.toString());
            assertEquals(List.of("negative", "positive"), l.getLabelNames());
            assertEquals("test-minilm-l6-q", l.getTeacherId());
            assertEquals(2.0f, l.getTemperature());
        }
        LabeledText original = labeled.stream().filter(l -> l.getId().equals("uci-0#0")).findFirst().orElseThrow();
        assertEquals(LabelOrigin.AUGMENTED, original.getOrigin());
        assertEquals(UciSentiment.all().get(0).label(), original.getGoldLabel());
        assertEquals(ESCALATED, labeled.stream().filter(l -> l.getOrigin() == LabelOrigin.ESCALATED).count());

        List<Prediction> predictions = decode(platform, topics.predictions().name(), topics.predictions().valueSerde(registry));
        assertEquals(Set.of("esc-0", "esc-1", "esc-2"), predictions.stream().map(Prediction::getId).collect(Collectors.toSet()));
        assertEquals(ESCALATED, predictions.size());
        assertTrue(predictions.stream().allMatch(p -> p.getRoute() == PredictionRoute.TEACHER
                && "test-minilm-l6-q".equals(p.getTeacherId()) && "ckpt-1".equals(p.getCheckpointId())));

        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> dead : CommittedRecords.readAll(platform, topics.augmented().name() + ".dlq")) {
            reasons.put(new String(dead.key(), StandardCharsets.UTF_8),
                    DeadLetters.header(dead.headers(), DeadLetters.REASON).orElseThrow());
            assertEquals(LoopSettings.SERVICE, DeadLetters.header(dead.headers(), DeadLetters.SERVICE).orElseThrow());
        }
        assertEquals(Set.of("broken-1", "empty-1", "long-1"), reasons.keySet());
        assertTrue(reasons.get("broken-1").startsWith("value is not registry-framed Avro (2 bytes, first byte 0xc3"),
                reasons.get("broken-1"));
        assertEquals("empty text: nothing for the teacher to label", reasons.get("empty-1"));
        assertEquals("text of 5000 characters is longer than distillery.teacher.max-text-chars=4000", reasons.get("long-1"));
    }

    private static LoopSettings settings(String group, String transactionalId) {
        return new LoopSettings(group, transactionalId, 8, 2, Duration.ofMillis(20), 4000);
    }

    private static void produceInputs(TestPlatform platform, LabelingTopics topics, RegistryConfig registry) throws Exception {
        List<LabelledSentence> sentences = UciSentiment.all();
        String augmented = topics.augmented().name();
        String escalated = topics.escalated().name();
        Instant now = Instant.now();
        try (Serde<AugmentedText> augmentedSerde = topics.augmented().valueSerde(registry);
             Serde<EscalatedText> escalatedSerde = topics.escalated().valueSerde(registry);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(platform.clientProperties(),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < AUGMENTED; i++) {
                LabelledSentence s = sentences.get(i / 2);
                int variant = i % 2;
                String id = "uci-" + (i / 2) + "#" + variant;
                AugmentedText text = AugmentedText.newBuilder().setId(id).setParentId("uci-" + (i / 2)).setVariant(variant)
                        .setText(variant == 0 ? s.text() : "[MASK] " + s.text())
                        .setOperations(List.of(variant == 0 ? AugmentationOperation.ORIGINAL : AugmentationOperation.MASK))
                        .setSource(s.source()).setEventTime(now).setGoldLabel(variant == 0 ? s.label() : null).build();
                producer.send(new ProducerRecord<>(augmented, bytes(id), augmentedSerde.serializer().serialize(augmented, text)));
                if (i == AUGMENTED / 3) {
                    producer.send(new ProducerRecord<>(augmented, bytes("broken-1"), new byte[] {(byte) 0xc3, (byte) 0x28}));
                    producer.send(new ProducerRecord<>(augmented, bytes("empty-1"), augmentedSerde.serializer().serialize(
                            augmented, AugmentedText.newBuilder(text).setId("empty-1").setText("  ").build())));
                    producer.send(new ProducerRecord<>(augmented, bytes("long-1"), augmentedSerde.serializer().serialize(
                            augmented, AugmentedText.newBuilder(text).setId("long-1").setText("word ".repeat(1000)).build())));
                }
            }
            for (int i = 0; i < ESCALATED; i++) {
                EscalatedText text = EscalatedText.newBuilder().setId("esc-" + i).setText(sentences.get(1000 + i).text())
                        .setSource("tweets").setEventTime(now).setStudentCheckpointId("ckpt-1").setStudentConfidence(0.51)
                        .setReceivedAt(now).setEscalatedAt(now).build();
                producer.send(new ProducerRecord<>(escalated, bytes(text.getId()), escalatedSerde.serializer().serialize(escalated, text)));
            }
            producer.flush();
        }
    }

    private static <V> List<V> decode(TestPlatform platform, String topic, Serde<V> serde) {
        try (serde) {
            return CommittedRecords.readAll(platform, topic).stream().map(r -> serde.deserializer().deserialize(topic, r.value())).toList();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
