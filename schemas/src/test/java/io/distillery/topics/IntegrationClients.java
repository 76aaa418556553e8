package io.distillery.topics;

import io.distillery.testing.CommittedRecords;
import io.distillery.testing.TestPlatform;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Small helpers the integration tests share: per-test topics and reading a topic to the end. */
final class IntegrationClients {

    private IntegrationClients() {
    }

    /** A private copy of a catalogue topic (and its dead-letter topic), created on the broker. */
    static <V> Topic<V> privateTopic(TestPlatform platform, Topic<V> catalogued) {
        Topic<V> topic = catalogued.renamed(platform.uniqueName(catalogued.name()));
        platform.createTopics(Stream.concat(Stream.of(topic), topic.deadLetterTopic().stream())
                .map(t -> t.newTopic((short) 1)).toList());
        return topic;
    }

    /** Reads {@code expected} raw records from the start of a topic, failing after {@code timeout}. */
    static List<ConsumerRecord<byte[], byte[]>> readRaw(TestPlatform platform, String topic, int expected,
                                                        int maxRecordBytes, Duration timeout) {
        return CommittedRecords.readUntil(platform, topic,
                Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, maxRecordBytes, ConsumerConfig.FETCH_MAX_BYTES_CONFIG, maxRecordBytes),
                records -> records.size() >= expected, timeout);
    }
}
