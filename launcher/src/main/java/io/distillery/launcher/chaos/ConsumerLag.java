package io.distillery.launcher.chaos;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Records the consumer groups of one run (their ids start with the run's topic prefix) have still
 * to consume, per group. A transactional topic ends with a commit marker no consumer commits past
 * until more data comes, so the end that counts is the offset after the last committed record,
 * not the log end.
 */
public final class ConsumerLag {

    private final Map<String, Object> clients;
    private final String prefix;

    public ConsumerLag(Map<String, Object> clients, String prefix) {
        this.clients = Map.copyOf(clients);
        this.prefix = prefix;
    }

    /** Lag by group id (without the run prefix), dead-letter topics left out. */
    public Map<String, Long> byGroup(Admin admin) throws Exception {
        List<String> groups = admin.listConsumerGroups().all().get().stream().map(ConsumerGroupListing::groupId)
                .filter(g -> g.startsWith(prefix)).toList();
        Map<String, Long> lags = new TreeMap<>();
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get());
            committed.entrySet().removeIf(e -> e.getKey().topic().endsWith(".dlq") || e.getValue() == null);
            Map<TopicPartition, Long> ends = afterLastRecord(clients, committed.keySet());
            long lag = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
                lag += Math.max(0, ends.get(entry.getKey()) - entry.getValue().offset());
            }
            lags.put(group.substring(prefix.length()), lag);
        }
        return lags;
    }

    /** The sum over the run's groups. */
    public long total(Admin admin) throws Exception {
        return byGroup(admin).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Per partition, the offset after its last committed record (read_committed, from the log's tail). */
    public static Map<TopicPartition, Long> afterLastRecord(Map<String, Object> clients, Collection<TopicPartition> partitions) {
        Map<String, Object> props = new HashMap<>(clients);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024);
        Map<TopicPartition, Long> after = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> all = List.copyOf(partitions);
            consumer.assign(all);
            Map<TopicPartition, Long> end = consumer.endOffsets(all);
            for (TopicPartition partition : all) {
                after.put(partition, 0L);
                consumer.seek(partition, Math.max(0, end.get(partition) - 64)); // markers and aborted batches at the tail are few
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (all.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    after.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
                }
            }
        }
        return after;
    }
}
