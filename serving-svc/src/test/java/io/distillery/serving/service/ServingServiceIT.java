package io.distillery.serving.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.schemas.EscalatedText;
import io.distillery.schemas.Prediction;
import io.distillery.schemas.PredictionRoute;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.testing.CommittedRecords;
import io.distillery.testing.RealPlatformResource;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The service as deployed, on the real broker and registry, with real DJL students: the steps
 * build on each other (no model → first checkpoint promoted → predictions → a second promoted →
 * rollback → a tampered one refused), so they run in order.
 */
@QuarkusTest
@QuarkusTestResource(ServingPlatform.class)
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServingServiceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Checkpoints published by earlier steps. */
    private static StudentCheckpoint first;
    private static StudentCheckpoint second;

    @TestHTTPResource("/")
    URL root;

    private final HttpClient http = HttpClient.newHttpClient();
    private final TestPlatform platform = TestPlatform.shared();
    private final RegistryConfig registry = RegistryConfig.at(platform.registryUrl());

    private <V> Topic<V> topic(Topic<V> catalogued) {
        return catalogued.withPrefix(RealPlatformResource.topicPrefix());
    }

    @Test
    @Order(1)
    void theControlPlaneWantsTheTokenAndPredictWantsAModel() throws Exception {
        String rollback = "{\"action\":\"rollback\"}";
        assertEquals(401, post("rollouts", rollback, null).statusCode());
        HttpResponse<String> wrong = post("rollouts", rollback, "Bearer not-the-token");
        assertEquals(401, wrong.statusCode());
        assertEquals(400, post("rollouts", "{\"action\":\"explode\"}", "Bearer " + ServingPlatform.CONTROL_TOKEN).statusCode());

        HttpResponse<String> noModel = post("predict", "{\"text\":\"great food\"}", null);
        assertEquals(503, noModel.statusCode(), noModel.body());
        HttpResponse<String> malformed = post("predict", "{\"text\":", null);
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().contains("malformed JSON"), malformed.body());
        assertEquals(400, post("predict", "{\"texts\":[]}", null).statusCode());
        HttpResponse<String> ready = get("q/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("no model yet"), ready.body());
    }

    @Test
    @Order(2)
    void withoutALiveModelRawTextGoesToTheTeacherAndBadRecordsToTheDeadLetterTopic() throws Exception {
        String raw = topic(Topics.TEXT_RAW).name();
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of())) {
            for (int i = 0; i < 3; i++) { // what `kcat -P -K$'\t'` sends: a key and plain UTF-8 text
                producer.send(new ProducerRecord<>(raw, bytes("early-" + i), bytes("the service was slow number " + i + "\n")));
            }
            producer.send(new ProducerRecord<>(raw, bytes("broken-1"), new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0x80})).get();
        }
        Topic<EscalatedText> escalatedTopic = topic(Topics.TEXT_ESCALATED);
        List<ConsumerRecord<byte[], byte[]>> escalated = CommittedRecords.readUntil(platform, escalatedTopic.name(),
                records -> records.size() >= 3, WAIT);
        try (Deserializer<EscalatedText> d = escalatedTopic.valueSerde(registry).deserializer()) {
            Map<String, Long> ids = escalated.stream().map(r -> d.deserialize(escalatedTopic.name(), r.value()))
                    .peek(e -> assertNull(e.getStudentCheckpointId(), "no student was live"))
                    .collect(Collectors.groupingBy(EscalatedText::getId, Collectors.counting()));
            assertEquals(Map.of("early-0", 1L, "early-1", 1L, "early-2", 1L), ids);
        }
        List<ConsumerRecord<byte[], byte[]>> dead = CommittedRecords.readUntil(platform, raw + ".dlq", r -> !r.isEmpty(), WAIT);
        assertEquals("broken-1", new String(dead.get(0).key(), StandardCharsets.UTF_8));
        assertTrue(DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON).orElseThrow().contains("nor valid UTF-8"));
        assertEquals("serving-svc", DeadLetters.header(dead.get(0).headers(), DeadLetters.SERVICE).orElseThrow());
    }

    @Test
    @Order(3)
    void theFirstCheckpointIsEvaluatedOnTheDevSetAndPromoted() throws Exception {
        first = TestStudents.trained(200, 1, null, 1);
        publish(first);
        JsonNode state = awaitRollouts(s -> first.getId().equals(s.path("state").path("live_checkpoint_id").asText()));
        JsonNode promoted = lastEvent(state);
        assertEquals("PROMOTED", promoted.path("kind").asText());
        assertEquals("auto", promoted.path("decided_by").asText());
        assertTrue(promoted.path("metrics").path("dev_accuracy").isNumber(), promoted.toString());
        awaitServedHere(first.getId());

        HttpResponse<String> answer = post("predict", "{\"texts\":[\"I loved it\",\"terrible, never again\"]}", null);
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode body = JSON.readTree(answer.body());
        assertEquals(first.getId(), body.path("checkpoint_id").asText());
        assertEquals(2, body.path("predictions").size());
        JsonNode models = JSON.readTree(get("models").body()).path("models");
        JsonNode model = models.get(0);
        assertEquals(first.getId(), model.path("id").asText());
        assertEquals("live", model.path("role").asText());
        assertTrue(model.path("metrics").path("dev_accuracy").isNumber());
        assertEquals(0.9, model.path("trainer_metrics").path("teacher_agreement").asDouble(), 1e-9);
    }

    @Test
    @Order(4)
    void rawTextGetsExactlyOnePredictionPerRecordFromTheLiveStudent() throws Exception {
        String raw = topic(Topics.TEXT_RAW).name();
        int count = 40;
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(raw, bytes("t-" + i), bytes(i % 2 == 0 ? "great place, friendly staff " + i
                        : "cold food and rude waiters " + i)));
            }
            producer.flush();
        }
        CommittedRecords.awaitConsumed(platform, RealPlatformResource.topicPrefix() + "distillery-serving", List.of(raw), WAIT);
        Topic<Prediction> predictions = topic(Topics.TEXT_PREDICTIONS);
        List<ConsumerRecord<byte[], byte[]>> out = CommittedRecords.readAll(platform, predictions.name());
        try (Deserializer<Prediction> d = predictions.valueSerde(registry).deserializer()) {
            List<Prediction> values = out.stream().map(r -> d.deserialize(predictions.name(), r.value())).toList();
            Map<String, Long> perId = values.stream().collect(Collectors.groupingBy(Prediction::getId, Collectors.counting()));
            assertEquals(count, perId.size(), perId.toString());
            assertTrue(perId.values().stream().allMatch(n -> n == 1), perId.toString());
            for (Prediction p : values) {
                assertEquals(PredictionRoute.STUDENT, p.getRoute());
                assertEquals(first.getId(), p.getCheckpointId());
                assertEquals(1.0, p.getProbabilities().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-5);
                assertTrue(p.getLatencyMs() >= 0);
            }
        }
    }

    @Test
    @Order(5)
    void aBetterCheckpointIsPromotedAndRollbackReturnsThePreviousOne() throws Exception {
        second = TestStudents.trained(1200, 3, first.getId(), 2);
        publish(second);
        JsonNode afterSecond = awaitRollouts(s -> s.path("events").size() >= 2);
        JsonNode decision = lastEvent(afterSecond);
        assertEquals(second.getId(), decision.path("checkpoint_id").asText());
        assertEquals("PROMOTED", decision.path("kind").asText(), decision.toString());
        assertEquals(List.of(first.getId()), List.of(afterSecond.path("state").path("previous_live_ids").get(0).asText()));
        awaitServedHere(second.getId());

        HttpResponse<String> response = post("rollouts", "{\"action\":\"rollback\",\"reason\":\"test\"}",
                "Bearer " + ServingPlatform.CONTROL_TOKEN);
        assertEquals(202, response.statusCode(), response.body());
        JsonNode accepted = JSON.readTree(response.body());
        assertFalse(accepted.path("command_id").asText().isEmpty());
        JsonNode event = accepted.path("event");
        assertEquals("ROLLED_BACK", event.path("kind").asText(), response.body());
        assertEquals(first.getId(), event.path("state").path("live_checkpoint_id").asText());
        awaitServedHere(first.getId());
        JsonNode answer = JSON.readTree(post("predict", "{\"text\":\"what a lovely day\"}", null).body());
        assertEquals(first.getId(), answer.path("checkpoint_id").asText());
    }

    @Test
    @Order(6)
    void aTamperedCheckpointIsRefusedAndTheLiveOneKeepsServing() throws Exception {
        StudentCheckpoint tampered = TestStudents.tampered(second);
        publish(tampered);
        JsonNode rollouts = awaitRollouts(s -> tampered.getId().equals(lastEvent(s).path("checkpoint_id").asText()));
        JsonNode refused = lastEvent(rollouts);
        assertEquals("REFUSED", refused.path("kind").asText());
        assertTrue(refused.path("reason").asText().contains("CORRUPT_WEIGHTS"), refused.toString());
        assertEquals(first.getId(), rollouts.path("state").path("live_checkpoint_id").asText());
        HttpResponse<String> answer = post("predict", "{\"text\":\"still here?\"}", null);
        assertEquals(200, answer.statusCode());
        assertEquals(first.getId(), JSON.readTree(answer.body()).path("checkpoint_id").asText());

        // and a manual promote of it is refused too, with the reason
        HttpResponse<String> promote = post("rollouts", "{\"action\":\"promote\",\"checkpoint_id\":\"" + tampered.getId() + "\"}",
                "Bearer " + ServingPlatform.CONTROL_TOKEN);
        assertEquals(202, promote.statusCode());
        assertEquals("REFUSED", JSON.readTree(promote.body()).path("event").path("kind").asText(), promote.body());
    }

    @Test
    @Order(7)
    void healthMetricsAndOpenApiReport() throws Exception {
        HttpResponse<String> ready = get("q/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains(first.getId()), ready.body());
        String metrics = get("q/metrics").body();
        for (String meter : List.of("distillery_serving_latency_seconds", "distillery_serving_answers_per_second",
                "distillery_serving_escalation_fraction", "distillery_serving_shadow_agreement", "distillery_serving_canary_agreement",
                "distillery_serving_checkpoint_role", "distillery_serving_predictions_total", "distillery_serving_escalations_total",
                "distillery_serving_dead_letters_total", "distillery_serving_rollout_events_total")) {
            assertTrue(metrics.contains(meter), meter + " missing from /q/metrics");
        }
        assertTrue(metrics.contains("checkpoint=\"" + first.getId() + "\",role=\"live\""), "live checkpoint info");
        String openapi = get("q/openapi").body();
        assertTrue(openapi.contains("/predict") && openapi.contains("/rollouts"), openapi);
    }

    @Test
    @Order(8)
    void theDashboardShowsTheLiveCheckpointInAHeadlessBrowser() throws Exception {
        JsonNode data = JSON.readTree(get("dashboard/data").body());
        assertEquals(first.getId(), data.path("live_checkpoint_id").asText());
        assertEquals(3, data.path("models").size(), data.toString());
        assertTrue(data.path("events").size() >= 4, data.toString());
        java.util.Optional<String> chromium = java.util.stream.Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser")
                .filter(p -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(p))).findFirst();
        org.junit.jupiter.api.Assumptions.assumeTrue(chromium.isPresent(), "Debian's chromium is not installed");
        java.nio.file.Path shot = java.nio.file.Path.of("target", "dashboard.png").toAbsolutePath();
        java.nio.file.Files.deleteIfExists(shot);
        java.nio.file.Path profile = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("target").toAbsolutePath(), "chromium-");
        Process browser = new ProcessBuilder(chromium.get(), "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + profile, "--hide-scrollbars", "--virtual-time-budget=8000", "--window-size=1280,1700",
                "--screenshot=" + shot, root.toURI().resolve("dashboard/index.html").toString())
                .redirectErrorStream(true).redirectOutput(java.nio.file.Path.of("target", "chromium.log").toFile()).start();
        try {
            assertTrue(browser.waitFor(90, java.util.concurrent.TimeUnit.SECONDS), "chromium did not finish");
        } finally {
            // only the browser this test started, and its helpers
            browser.descendants().forEach(ProcessHandle::destroyForcibly);
            browser.destroyForcibly();
        }
        assertTrue(java.nio.file.Files.exists(shot), "no screenshot; see target/chromium.log");
        assertTrue(java.nio.file.Files.size(shot) > 30_000, "a blank page? " + java.nio.file.Files.size(shot) + " bytes");
    }

    // --- helpers ---

    private void publish(StudentCheckpoint checkpoint) throws Exception {
        TestStudents.publish(platform, RealPlatformResource.topicPrefix(), checkpoint);
    }

    private KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>(platform.clientProperties());
        props.putAll(overrides);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private JsonNode awaitRollouts(Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode rollouts;
        do {
            rollouts = JSON.readTree(get("rollouts").body());
            if (done.test(rollouts)) {
                return rollouts;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("rollouts never got there: " + rollouts);
    }

    private void awaitServedHere(String checkpointId) throws Exception {
        awaitRollouts(s -> checkpointId.equals(s.path("served_here").path("live").asText()));
    }

    private static JsonNode lastEvent(JsonNode rollouts) {
        JsonNode events = rollouts.path("events");
        return events.size() == 0 ? JSON.createObjectNode() : events.get(events.size() - 1);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(root.toURI().resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(root.toURI().resolve(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}
