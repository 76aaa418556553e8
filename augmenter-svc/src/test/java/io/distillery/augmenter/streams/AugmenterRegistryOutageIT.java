package io.distillery.augmenter.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.augmenter.AugmenterSettings;
import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.UciSentiment;
import io.distillery.schemas.RawText;
import io.distillery.testing.CommittedRecords;
import io.distillery.testing.RealPlatform;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real schema registry stopped under the augmenter topology (exactly once, the service's
 * thread failure handler) before its first schema lookup, then started again: the stream thread
 * is replaced while the registry is away instead of the client stopping, nothing is
 * dead-lettered, and every raw record is augmented exactly once when it is back.
 */
@RealPlatform
class AugmenterRegistryOutageIT {

    private static final int RECORDS = 20;

    @TempDir
    Path stateDir;

    @Test
    void aRegistryOutageReplacesTheStreamThreadAndDeadLettersNothing(TestPlatform platform) throws Exception {
        String prefix = platform.uniqueName("outage") + ".";
        platform.createTopics(Topics.newTopics(prefix, (short) 1));
        Topic<RawText> raw = Topics.TEXT_RAW.withPrefix(prefix);
        String augmented = Topics.TEXT_AUGMENTED.withPrefix(prefix).name();
        String applicationId = prefix + "distillery-augmenter";
        List<LabelledSentence> sentences = UciSentiment.all().subList(0, RECORDS);
        RawTexts.produce(platform, raw, sentences);

        AtomicInteger replaced = new AtomicInteger();
        RegistryOutageHandler handler = new RegistryOutageHandler();
        KafkaStreams streams = new KafkaStreams(AugmenterTopology.build(AugmenterTopology.Parts.forDeployment(prefix,
                RegistryConfig.at(platform.registryUrl()), AugmenterSettings.defaults(), Duration.ofSeconds(1), 0L,
                AugmenterMetrics.NONE)), streamsConfig(platform, applicationId));
        streams.setUncaughtExceptionHandler(exception -> {
            StreamThreadExceptionResponse response = handler.handle(exception);
            if (response == StreamThreadExceptionResponse.REPLACE_THREAD) {
                replaced.incrementAndGet();
            }
            return response;
        });
        try {
            platform.stopRegistry();
            try {
                streams.start();
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (replaced.get() < 2) {
                    assertTrue(System.nanoTime() < deadline, "the stream thread never met the outage; state " + streams.state());
                    Thread.sleep(100);
                }
                assertTrue(streams.state().isRunningOrRebalancing(), "the client still runs: " + streams.state());
                try (Admin admin = platform.admin()) {
                    assertEquals(0, CommittedRecords.committed(admin, applicationId, raw.name()),
                            "nothing is committed while the registry is away");
                }
            } finally {
                platform.startRegistry();
            }
            CommittedRecords.awaitConsumed(platform, applicationId, List.of(raw.name()), Duration.ofMinutes(3));
        } finally {
            streams.close(Duration.ofSeconds(30));
        }

        assertEquals(0, CommittedRecords.readAll(platform, raw.name() + ".dlq").size(), "no dead letters");
        Map<String, Integer> copies = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : CommittedRecords.readAll(platform, augmented)) {
            copies.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        assertEquals(Set.of(1), Set.copyOf(copies.values()), "no variant twice");
        assertEquals(sentences.stream().map(s -> s.id() + "#0").collect(Collectors.toSet()),
                copies.keySet().stream().filter(id -> id.endsWith("#0")).collect(Collectors.toSet()), "every record augmented");
    }

    /** The service's delivery settings (application.properties), as StandaloneAugmenter has them. */
    private Properties streamsConfig(TestPlatform platform, String applicationId) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 8 * 1024 * 1024);
        // A Streams consumer does not leave its group on close, so the replacement thread's first
        // rebalance waits for the dead one's session to expire: 45 s by default, 6 s here.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        return props;
    }
}
