package io.distillery.serving.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.schemas.Prediction;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.testing.CommittedRecords;
import io.distillery.testing.RealPlatform;
import io.distillery.testing.ServiceJar;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/**
 * Two packaged serving replicas ({@code quarkus-run.jar}, each its own JVM) on the real broker and
 * registry, as deployed behind a load balancer:
 * <ul>
 *   <li>both come to serve the promoted checkpoint, and a better one replaces it on both;</li>
 *   <li>one REST rollback, sent to one replica, puts the previous checkpoint back on every replica;</li>
 *   <li>raw text is shared between them through the consumer group: each record gets exactly one
 *       prediction, and both replicas answered some;</li>
 *   <li>a replica killed with SIGKILL and started again comes back serving the same checkpoint
 *       (the rollout state lives on the compacted rollout-events topic).</li>
 * </ul>
 * How fast the rollback reaches every replica is measured by {@code ./distillery bench serving}
 * (line {@code rollback}), not asserted here. Runs in the {@code integration-test} phase on the jar
 * {@code package} built (the pom's {@code packaged-service-it} execution).
 */
@RealPlatform
class ServingReplicasIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "replicas-control-token";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern PREDICTIONS = Pattern.compile("^distillery_serving_predictions_total\\{[^}]*} ([0-9.E]+)$",
            Pattern.MULTILINE);

    @Test
    void replicasAgreeOnRolloutsShareTheStreamAndComeBackServingTheSameCheckpoint(TestPlatform platform) throws Exception {
        Path jar = ServiceJar.packagedJar("distillery.serving.jar");
        String prefix = platform.uniqueName("replicas") + ".";
        platform.createTopics(Topics.newTopics(prefix, (short) 1));
        RegistryConfig registry = RegistryConfig.at(platform.registryUrl());
        Path logs = Files.createDirectories(Path.of("target", "distillery-it", "serving-replicas"));
        Path tokenizer = logs.resolve("tokenizer.json");
        Files.write(tokenizer, TestStudents.miniLmBytes());

        StudentCheckpoint first = TestStudents.trained(200, 1, null, 1);
        StudentCheckpoint second = TestStudents.trained(1200, 3, first.getId(), 2);
        try (ServiceJar a = launch(jar, platform, prefix, tokenizer, logs, "serving-a").start();
             ServiceJar b = launch(jar, platform, prefix, tokenizer, logs, "serving-b").start()) {
            a.awaitHttpOk("q/health/live", WAIT);
            b.awaitHttpOk("q/health/live", WAIT);

            TestStudents.publish(platform, prefix, first);
            awaitLive(List.of(a, b), first.getId());
            TestStudents.publish(platform, prefix, second);
            awaitLive(List.of(a, b), second.getId()); // auto-promoted: trained on more, so not worse on DEV

            var rollback = a.postJson("rollouts", "{\"action\":\"rollback\",\"reason\":\"replicas test\"}", "Bearer " + TOKEN);
            assertEquals(202, rollback.statusCode(), rollback.body());
            awaitLive(List.of(a, b), first.getId());

            // the stream, shared: exactly one prediction per record, from both replicas
            int count = 200;
            String raw = Topics.TEXT_RAW.withPrefix(prefix).name();
            try (KafkaProducer<byte[], byte[]> producer = producer(platform, Map.of())) {
                for (int i = 0; i < count; i++) {
                    producer.send(new ProducerRecord<>(raw, bytes("r-" + i), bytes(i % 2 == 0 ? "lovely staff and great food " + i
                            : "slow, cold and overpriced " + i)));
                }
                producer.flush();
            }
            CommittedRecords.awaitConsumed(platform, prefix + "distillery-serving", List.of(raw), WAIT);
            Topic<Prediction> predictions = Topics.TEXT_PREDICTIONS.withPrefix(prefix);
            List<ConsumerRecord<byte[], byte[]>> out = CommittedRecords.readAll(platform, predictions.name());
            try (Deserializer<Prediction> d = predictions.valueSerde(registry).deserializer()) {
                Map<String, Long> perId = out.stream().map(r -> d.deserialize(predictions.name(), r.value()))
                        .collect(Collectors.groupingBy(Prediction::getId, Collectors.counting()));
                assertEquals(count, perId.size(), "records with a prediction");
                assertTrue(perId.values().stream().allMatch(n -> n == 1), "one prediction each: " + perId);
            }
            double byA = predictionsTotal(a);
            double byB = predictionsTotal(b);
            assertEquals(count, byA + byB, 0.0, "a " + byA + ", b " + byB);
            assertTrue(byA > 0 && byB > 0, "both replicas share the stream: a " + byA + ", b " + byB);

            // a replica that crashes comes back on the rolled-back checkpoint, not the newest one
            b.kill();
            try (ServiceJar again = launch(jar, platform, prefix, tokenizer, logs, "serving-b-again").start()) {
                again.awaitHttpOk("q/health/live", WAIT);
                awaitLive(List.of(again), first.getId());
                JsonNode state = JSON.readTree(again.get("rollouts").body()).path("state");
                assertEquals(first.getId(), state.path("live_checkpoint_id").asText(), state.toString());
            }
        }
    }

    private static ServiceJar.Launch launch(Path jar, TestPlatform platform, String prefix, Path tokenizer, Path logs, String name) {
        return ServiceJar.of(jar).platform(platform, prefix).name(name).logDir(logs)
                .env("DISTILLERY_SERVING_TOKENIZER", tokenizer.toAbsolutePath().toString())
                .env("DISTILLERY_SERVING_CONTROL_TOKEN", TOKEN)
                .env("DISTILLERY_SERVING_ESCALATION_THRESHOLD", "0"); // every record answered by the student
    }

    /** Until every replica says (GET /rollouts, served_here) that it serves {@code checkpointId}. */
    private static void awaitLive(List<ServiceJar> replicas, String checkpointId) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (ServiceJar replica : replicas) {
            String live;
            do {
                replica.requireAlive();
                live = TestStudents.servedLive(replica);
                if (checkpointId.equals(live)) {
                    break;
                }
                if (System.nanoTime() >= deadline) { // alive but stuck: say where its threads are (seen once, not explained)
                    fail(replica.log() + " serves " + live + ", not " + checkpointId + "; its threads:\n" + replica.threadDump());
                }
                Thread.sleep(50);
            } while (true);
        }
    }

    private static double predictionsTotal(ServiceJar replica) throws Exception {
        double total = 0;
        Matcher m = PREDICTIONS.matcher(replica.get("q/metrics").body());
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    private static KafkaProducer<byte[], byte[]> producer(TestPlatform platform, Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>(platform.clientProperties());
        props.putAll(overrides);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
