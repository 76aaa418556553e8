package io.distillery.topics;

import io.distillery.testing.TestPlatform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

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
        Map<String, Object> props = platform.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, maxRecordBytes);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, maxRecordBytes);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // Assigned, not subscribed: no group to join, so reading starts at once.
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        if (records.size() < expected) {
            throw new AssertionError("expected " + expected + " records on " + topic + " within " + timeout + ", got " + records.size());
        }
        return records;
    }
}
