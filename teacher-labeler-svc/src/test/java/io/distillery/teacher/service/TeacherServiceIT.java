package io.distillery.teacher.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.schemas.AugmentationOperation;
import io.distillery.schemas.AugmentedText;
import io.distillery.schemas.LabeledText;
import io.distillery.testing.CommittedRecords;
import io.distillery.testing.RealPlatformResource;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.DeadLetters;
import io.distillery.topics.RegistryConfig;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The service as deployed (Quarkus, the loop started at start-up, exactly once) on the real
 * broker and registry with a small real teacher: labels come out, a broken record is
 * dead-lettered, and health and metrics say so.
 */
@QuarkusTest
@QuarkusTestResource(TeacherPlatform.class)
@Tag("integration")
class TeacherServiceIT {

    @TestHTTPResource("/")
    URL root;

    @Test
    void augmentedTextIsLabelledAndABrokenRecordIsDeadLetteredWhileHealthAndMetricsReport() throws Exception {
        TestPlatform platform = TestPlatform.shared();
        LabelingTopics topics = LabelingTopics.withPrefix(RealPlatformResource.topicPrefix());
        RegistryConfig registry = RegistryConfig.at(platform.registryUrl());
        String augmented = topics.augmented().name();
        try (Serde<AugmentedText> serde = topics.augmented().valueSerde(registry);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(platform.clientProperties(),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            List<String> texts = List.of("The pasta was fresh and the sauce was incredible",
                    "worst customer service ever, waited 2 hours for nothing", "it is ok i guess");
            for (int i = 0; i < texts.size(); i++) {
                AugmentedText text = AugmentedText.newBuilder().setId("r" + i + "#0").setParentId("r" + i).setVariant(0)
                        .setText(texts.get(i)).setOperations(List.of(AugmentationOperation.ORIGINAL)).setSource("yelp")
                        .setEventTime(Instant.now()).build();
                producer.send(new ProducerRecord<>(augmented, bytes(text.getId()), serde.serializer().serialize(augmented, text)));
            }
            producer.send(new ProducerRecord<>(augmented, bytes("broken-1"), bytes("{\"not\":\"avro\"}"))).get();
        }

        List<ConsumerRecord<byte[], byte[]>> out = CommittedRecords.readUntil(platform, topics.labeled().name(),
                records -> records.size() >= 3, Duration.ofSeconds(90));
        try (Serde<LabeledText> serde = topics.labeled().valueSerde(registry)) {
            Set<String> ids = out.stream().map(r -> serde.deserializer().deserialize(topics.labeled().name(), r.value()))
                    .peek(l -> assertEquals(2, l.getLogits().size()))
                    .map(LabeledText::getId).collect(Collectors.toSet());
            assertEquals(Set.of("r0#0", "r1#0", "r2#0"), ids);
        }
        List<ConsumerRecord<byte[], byte[]>> dead = CommittedRecords.readUntil(platform, augmented + ".dlq",
                records -> !records.isEmpty(), Duration.ofSeconds(30));
        assertEquals("broken-1", new String(dead.get(0).key(), StandardCharsets.UTF_8));
        assertTrue(DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON).orElseThrow()
                .startsWith("value is not registry-framed Avro"));

        HttpResponse<String> ready = get("q/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("teacher labelling loop"), ready.body());
        String metrics = get("q/metrics").body();
        for (String meter : List.of("distillery_teacher_sentences_total", "distillery_teacher_sentences_per_second",
                "distillery_teacher_batch_fill", "distillery_teacher_queue_size", "distillery_teacher_consumer_lag",
                "distillery_teacher_entropy_nats", "distillery_teacher_confidence", "distillery_teacher_dead_letters_total")) {
            assertTrue(metrics.contains(meter), meter + " missing from /q/metrics");
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = root.toURI().resolve(path);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
