package io.distillery.augmenter.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.schemas.AugmentedText;
import io.distillery.schemas.RawText;
import io.distillery.testing.RealPlatformResource;
import io.distillery.testing.CommittedRecords;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.DeadLetters;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The service as deployed (Quarkus, Kafka Streams, exactly once) on the real broker and
 * registry: Avro from Java clients, plain lines from kcat, a broken record in between.
 */
@QuarkusTest
@QuarkusTestResource(AugmenterPlatform.class)
@Tag("integration")
class AugmenterServiceIT {

    @TestHTTPResource("/q/health/ready")
    URL health;

    @Test
    void rawTextFromAnyClientIsAugmentedAndABrokenRecordIsDeadLetteredWithoutStoppingTheStream() throws Exception {
        TestPlatform platform = TestPlatform.shared();
        String prefix = RealPlatformResource.topicPrefix();
        Topic<RawText> raw = Topics.TEXT_RAW.withPrefix(prefix);
        Topic<AugmentedText> augmented = Topics.TEXT_AUGMENTED.withPrefix(prefix);
        RegistryConfig registry = RegistryConfig.at(platform.registryUrl());

        try (Serde<RawText> serde = raw.valueSerde(registry);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(platform.clientProperties(),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            RawText avro = RawText.newBuilder().setId("avro-1").setText("The pasta was fresh and the sauce was incredible")
                    .setSource("yelp").setEventTime(Instant.parse("2026-11-21T10:00:00Z")).setGoldLabel("positive").build();
            producer.send(new ProducerRecord<>(raw.name(), bytes("avro-1"), serde.serializer().serialize(raw.name(), avro))).get();
            producer.send(new ProducerRecord<>(raw.name(), 0, bytes("broken-1"), new byte[] {(byte) 0xc3, (byte) 0x28})).get();
        }
        // A non-Java client, as users without Avro tooling would: one tweet per line, key:value.
        kcat("-b", platform.bootstrapServers(), "-P", "-t", raw.name(), "-K", "\t",
                "kcat-1\tcan't believe how good this new phone is @apple https://t.co/abc #happy 😍\n"
                        + "kcat-2\tworst customer service everrrr, waited 2 hours for nothing\n");

        List<ConsumerRecord<byte[], byte[]>> out = CommittedRecords.readUntil(platform, augmented.name(),
                records -> parents(records, augmented).keySet().containsAll(Set.of("avro-1", "kcat-1", "kcat-2"))
                        && parents(records, augmented).values().stream().allMatch(n -> n > 10),
                Duration.ofSeconds(90));
        Map<String, Integer> perParent = parents(out, augmented);
        assertEquals(Set.of("avro-1", "kcat-1", "kcat-2"), perParent.keySet());
        Set<String> ids = new HashSet<>();
        try (Serde<AugmentedText> serde = augmented.valueSerde(registry)) {
            for (ConsumerRecord<byte[], byte[]> r : out) {
                assertTrue(ids.add(serde.deserializer().deserialize(augmented.name(), r.value()).getId()), "no duplicates");
            }
        }

        List<ConsumerRecord<byte[], byte[]>> dead = CommittedRecords.readUntil(platform, raw.name() + ".dlq",
                records -> !records.isEmpty(), Duration.ofSeconds(30));
        assertEquals("broken-1", new String(dead.get(0).key(), StandardCharsets.UTF_8));
        assertEquals("value is neither registry-framed Avro (first byte 0x00) nor valid UTF-8 text",
                DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON).orElseThrow());

        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(health.toURI()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("Kafka Streams"), ready.body());
    }

    private static Map<String, Integer> parents(List<ConsumerRecord<byte[], byte[]>> records, Topic<AugmentedText> topic) {
        Map<String, Integer> counts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String id = new String(r.key(), StandardCharsets.UTF_8);
            counts.merge(id.substring(0, id.lastIndexOf('#')), 1, Integer::sum);
        }
        return counts;
    }

    private static void kcat(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("kcat"));
        String input = args[args.length - 1];
        command.addAll(List.of(args).subList(0, args.length - 1));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), "kcat: " + output);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
