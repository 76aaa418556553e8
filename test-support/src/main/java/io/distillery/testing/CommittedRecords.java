package io.distillery.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads what services committed (read_committed) from the start of a topic, and consumer progress. */
public final class CommittedRecords {

    private CommittedRecords() {
    }

    /** The sum over partitions of {@code group}'s committed offsets on {@code topic} (0 if none yet). */
    public static long committed(Admin admin, String group, String topic) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** The sum over partitions of the end offsets of a topic written without transactions. */
    public static long endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicPartitionInfo p : admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()) {
            latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    }

    /** Waits until {@code group} has committed every record of the given (non-transactional) topics. */
    public static void awaitConsumed(TestPlatform platform, String group, List<String> topics, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = platform.admin()) {
            while (true) {
                boolean done = true;
                for (String topic : topics) {
                    done &= committed(admin, group, topic) >= endOffsets(admin, topic);
                }
                if (done) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("group " + group + " did not consume " + topics + " within " + timeout);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Everything committed on a topic: reads until ten polls in a row bring nothing new. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(TestPlatform platform, String topic) {
        int[] quietPolls = {0};
        int[] lastSize = {-1};
        return readUntil(platform, topic, records -> {
            quietPolls[0] = records.size() == lastSize[0] ? quietPolls[0] + 1 : 0;
            lastSize[0] = records.size();
            return quietPolls[0] >= 10;
        }, Duration.ofMinutes(2));
    }

    /** Reads until {@code done} holds for what was read, or fails after {@code timeout}. */
    public static List<ConsumerRecord<byte[], byte[]>> readUntil(TestPlatform platform, String topic,
                                                                Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
        return readUntil(platform, topic, Map.of(), done, timeout);
    }

    /** The same, with extra consumer settings (e.g. a topic's consumer overrides for large records). */
    public static List<ConsumerRecord<byte[], byte[]>> readUntil(TestPlatform platform, String topic, Map<String, Object> consumerOverrides,
                                                                Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
        Map<String, Object> props = platform.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putAll(consumerOverrides);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(records)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("gave up on " + topic + " after " + timeout + " with " + records.size() + " records");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
