package io.distillery.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import io.distillery.schemas.LabeledText;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.testing.RealPlatformResource;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The service as deployed (Quarkus, config, REST, health, metrics) on the real broker and registry. */
@QuarkusTest
@QuarkusTestResource(TrainerPlatform.class)
@Tag("integration")
class TrainerServiceIT {

    private static final int COUNT = 100;

    @TestHTTPResource("/")
    URL root;

    @Test
    void trainsOnLabelledTextAndPublishesACheckpointOnDemand() throws Exception {
        TestPlatform platform = TestPlatform.shared();
        String prefix = RealPlatformResource.topicPrefix();
        Topic<LabeledText> labeled = Topics.TEXT_LABELED.withPrefix(prefix);
        RegistryConfig registry = RegistryConfig.at(platform.registryUrl());
        List<LabelledSentence> train = UciSentiment.split(Split.TRAIN).subList(0, COUNT);
        try (Serializer<LabeledText> serializer = labeled.valueSerde(registry).serializer();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(platform.clientProperties(), new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            for (LabelledSentence s : train) {
                LabeledText text = LabeledText.newBuilder().setId(s.id()).setParentId(s.id()).setText(s.text()).setOrigin(io.distillery.schemas.LabelOrigin.AUGMENTED)
                        .setLogits(s.label().equals("positive") ? List.of(-2f, 2f) : List.of(2f, -2f))
                        .setLabelNames(List.of("negative", "positive")).setTeacherId("synthetic").setTeacherVersion("1")
                        .setTemperature(1f).setSource(s.source()).setEventTime(Instant.now()).setLabeledAt(Instant.now())
                        .setGoldLabel(s.label()).build();
                producer.send(new ProducerRecord<>(labeled.name(), s.id().getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(labeled.name(), text)));
            }
        }

        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String body;
        long examples;
        do {
            Thread.sleep(1000);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(root.toURI().resolve("checkpoints"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, response.statusCode(), response.body());
            body = response.body();
            examples = number(body, "examples");
            assertTrue(System.nanoTime() < deadline, "trained " + examples + " of " + COUNT + ": " + body);
        } while (examples < COUNT);
        assertEquals(COUNT, examples, body);
        assertTrue(body.contains("\"dev_accuracy\":") && body.contains("\"teacher_agreement\":"), body);
        assertTrue(body.contains("\"lineage\":\"mlp-sentiment\""), body);

        String latest = http.send(HttpRequest.newBuilder(root.toURI().resolve("checkpoints/latest")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertEquals(number(body, "steps"), number(latest, "steps"));
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(root.toURI().resolve("q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        String metrics = http.send(HttpRequest.newBuilder(root.toURI().resolve("q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String meter : List.of("distillery_trainer_examples_per_second", "distillery_trainer_loss",
                "distillery_trainer_dev_accuracy", "distillery_trainer_teacher_agreement", "distillery_trainer_checkpoints_total",
                "distillery_trainer_checkpoint_size_bytes")) {
            assertTrue(metrics.contains(meter), meter + " missing from /q/metrics");
        }
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        assertTrue(m.find(), field + " in " + json);
        return Long.parseLong(m.group(1));
    }
}
