package io.distillery.teacher.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.schemas.AugmentationOperation;
import io.distillery.schemas.AugmentedText;
import io.distillery.schemas.LabeledText;
import io.distillery.testing.CommittedRecords;
import io.distillery.testing.RealPlatform;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * The real schema registry stopped and started again under a labelling loop that has never read
 * a schema yet (so every first lookup fails, as when a service starts during an outage): nothing
 * is dead-lettered, and every text is labelled exactly once once the registry is back. The
 * teacher is a stand-in: the point is the loop's handling of the outage.
 */
@RealPlatform
class LabelingRegistryOutageIT {

    private static final int TEXTS = 40;

    @Test
    void aRegistryOutageDelaysLabellingAndDeadLettersNothing(TestPlatform platform) throws Exception {
        String prefix = platform.uniqueName("outage") + ".";
        platform.createTopics(Topics.newTopics(prefix, (short) 1));
        LabelingTopics topics = LabelingTopics.withPrefix(prefix);
        RegistryConfig registry = RegistryConfig.at(platform.registryUrl());
        produceInputs(platform, topics, registry);

        String group = prefix + "teacher-labeler";
        Labeler constant = texts -> texts.stream().map(t -> new float[] {-1f, 1f}).toList();
        TeacherIdentity identity = new TeacherIdentity("stand-in", "1", List.of("negative", "positive"), 2.0);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        LabelingLoop loop = new LabelingLoop(new LoopSettings(group, prefix + "txn", 8, 2, Duration.ofMillis(20), 4000),
                topics, constant, identity, platform.clientProperties(), registry, meters);
        Thread thread = new Thread(loop, "loop-outage");
        platform.stopRegistry();
        try {
            thread.start();
            // each round that meets the outage rewinds as an aborted one: wait for a few
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (meters.counter("distillery.teacher.transactions", "outcome", "aborted").count() < 3) {
                assertTrue(System.nanoTime() < deadline, "the loop never met the outage");
                Thread.sleep(100);
            }
            try (Admin admin = platform.admin()) {
                assertEquals(0, CommittedRecords.committed(admin, group, topics.augmented().name()),
                        "nothing is committed while the registry is away");
            }
            assertTrue(loop.isAlive(Duration.ofMinutes(1)), "the loop waits, it does not stop");
        } finally {
            platform.startRegistry();
        }
        CommittedRecords.awaitConsumed(platform, group, List.of(topics.augmented().name()), Duration.ofMinutes(2));
        loop.stop();
        thread.join(30_000);

        assertEquals(List.of(), CommittedRecords.readAll(platform, topics.augmented().name() + ".dlq"), "no dead letters");
        try (Serde<LabeledText> serde = topics.labeled().valueSerde(registry)) {
            Map<String, Long> copies = CommittedRecords.readAll(platform, topics.labeled().name()).stream()
                    .map(r -> serde.deserializer().deserialize(topics.labeled().name(), r.value()))
                    .collect(Collectors.groupingBy(LabeledText::getId, Collectors.counting()));
            assertEquals(IntStream.range(0, TEXTS).mapToObj(i -> "t-" + i).collect(Collectors.toSet()), copies.keySet(),
                    "every text labelled");
            assertEquals(Set.of(1L), Set.copyOf(copies.values()), "none twice");
        }
    }

    private static void produceInputs(TestPlatform platform, LabelingTopics topics, RegistryConfig registry) {
        String augmented = topics.augmented().name();
        Instant now = Instant.now();
        try (Serde<AugmentedText> serde = topics.augmented().valueSerde(registry);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(platform.clientProperties(),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < TEXTS; i++) {
                String id = "t-" + i;
                AugmentedText text = AugmentedText.newBuilder().setId(id).setParentId(id).setVariant(0)
                        .setText("text number " + i).setOperations(List.of(AugmentationOperation.ORIGINAL))
                        .setSource("test").setEventTime(now).setGoldLabel(null).build();
                producer.send(new ProducerRecord<>(augmented, id.getBytes(StandardCharsets.UTF_8),
                        serde.serializer().serialize(augmented, text)));
            }
            producer.flush();
        }
    }
}
