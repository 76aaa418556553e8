package io.distillery.augmenter.streams;

import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.UciSentiment;
import io.distillery.schemas.RawText;
import io.distillery.testing.CommittedRecords;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * End-to-end throughput of the augmenter service as deployed (the Quarkus jar, its own JVM,
 * exactly once) on a real broker and registry: N raw records are produced first, then the
 * service is started and timed from its first committed input to its last. Prints one JSON line.
 * {@code --records N --jar augmenter-svc/target/quarkus-app/quarkus-run.jar}
 */
public final class AugmenterServiceBench {

    public static void main(String[] args) throws Exception {
        int records = Integer.parseInt(option(args, "--records", "6000"));
        Path jar = Path.of(option(args, "--jar", "augmenter-svc/target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " missing: build the service first (mvn -pl augmenter-svc -am install)");
        }
        TestPlatform platform = TestPlatform.shared();
        String prefix = platform.uniqueName("bench") + ".";
        platform.createTopics(Topics.newTopics(prefix, (short) 1));
        Topic<RawText> raw = Topics.TEXT_RAW.withPrefix(prefix);
        produce(platform, raw, records);

        Path stateDir = Files.createTempDirectory("augmenter-bench-state");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar.toString()).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("augmenter-bench-", ".log").toFile());
        builder.environment().put("DISTILLERY_KAFKA_BOOTSTRAP_SERVERS", platform.bootstrapServers());
        builder.environment().put("DISTILLERY_REGISTRY_URL", platform.registryUrl());
        builder.environment().put("DISTILLERY_TOPICS_PREFIX", prefix);
        builder.environment().put("DISTILLERY_STATE_DIR", stateDir.toString());
        builder.environment().put("QUARKUS_HTTP_PORT", "0");
        Process service = builder.start();
        try (Admin admin = platform.admin()) {
            String group = prefix + "distillery-augmenter";
            long first;
            while ((first = CommittedRecords.committed(admin, group, raw.name())) == 0) {
                requireAlive(service);
                Thread.sleep(20);
            }
            long start = System.nanoTime();
            long done;
            while ((done = CommittedRecords.committed(admin, group, raw.name())) < records) {
                requireAlive(service);
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long variants = CommittedRecords.readAll(platform, Topics.TEXT_AUGMENTED.withPrefix(prefix).name()).size();
            double inputRate = (done - first) / seconds;
            // Every input became (variants / records) records downstream, the original among them.
            double variantRate = inputRate * (variants - records) / (double) records;
            System.out.println(String.format(Locale.ROOT,
                    "{\"name\":\"service\",\"input_per_s\":%.0f,\"variants_per_s\":%.0f,\"records\":%d,\"measured_s\":%.2f,"
                            + "\"variants_per_input\":%.2f,\"stream_threads\":1,\"processing_guarantee\":\"exactly_once_v2\","
                            + "\"cores\":%d,\"java\":\"%s\"}",
                    inputRate, variantRate, records, seconds, (variants - records) / (double) records,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        } finally {
            service.destroy();
            service.waitFor(30, TimeUnit.SECONDS);
        }
        System.exit(0); // runs the platform's shutdown hook: broker and registry stop
    }

    private static void produce(TestPlatform platform, Topic<RawText> raw, int records) {
        List<LabelledSentence> corpus = UciSentiment.all();
        try (Serde<RawText> serde = raw.valueSerde(RegistryConfig.at(platform.registryUrl()));
             KafkaProducer<String, RawText> producer = new KafkaProducer<>(platform.clientProperties(), new StringSerializer(),
                     serde.serializer())) {
            for (int i = 0; i < records; i++) {
                LabelledSentence s = corpus.get(i % corpus.size());
                String id = "bench-" + i;
                producer.send(new ProducerRecord<>(raw.name(), id, RawText.newBuilder().setId(id).setText(s.text())
                        .setSource(s.source()).setEventTime(Instant.now()).build()));
            }
        }
    }

    private static void requireAlive(Process service) {
        if (!service.isAlive()) {
            throw new IllegalStateException("the service exited with " + service.exitValue());
        }
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
