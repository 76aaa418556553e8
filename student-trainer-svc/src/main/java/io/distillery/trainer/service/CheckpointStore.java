package io.distillery.trainer.service;

import io.distillery.schemas.StudentCheckpoint;
import io.distillery.topics.KafkaClients;
import io.distillery.topics.RecordDecoder;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * student.checkpoints for one trainer: the latest checkpoint of a lineage (read at start-up), and
 * publishing new ones (acks=all, idempotent, waited for). The topic has one partition, so "latest"
 * is the last record of the lineage in offset order.
 */
public final class CheckpointStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);

    private final Topic<StudentCheckpoint> topic;
    private final RegistryConfig registry;
    private final Map<String, Object> clientProperties;
    private final Serializer<StudentCheckpoint> serializer;
    private KafkaProducer<byte[], byte[]> producer;

    public CheckpointStore(Topic<StudentCheckpoint> topic, RegistryConfig registry, Map<String, Object> clientProperties) {
        this.topic = topic;
        this.registry = registry;
        this.clientProperties = Map.copyOf(clientProperties);
        this.serializer = topic.valueSerde(registry).serializer();
    }

    /**
     * The last readable checkpoint of {@code lineage} (unreadable records are logged and passed over).
     *
     * @throws io.distillery.topics.RegistryUnavailableException when the schema registry cannot be asked
     *         for a record's schema: that record may be the latest checkpoint, so it is not passed over
     */
    public Optional<StudentCheckpoint> latest(String lineage) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putAll(topic.consumerOverrides());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        StudentCheckpoint latest = null;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             RecordDecoder<StudentCheckpoint> decoder = new RecordDecoder<>(topic, registry)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long latestOffset = -1;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    // the key is the id; the lineage is in the id's prefix, but only the value is authoritative
                    RecordDecoder.Decoded<StudentCheckpoint> decoded = decoder.decode(record);
                    if (!decoded.ok()) {
                        LOG.warn("passing over unreadable checkpoint record {}-{}@{}: {}", record.topic(), record.partition(),
                                record.offset(), decoded.failure());
                        continue;
                    }
                    if (decoded.value().getLineage().toString().equals(lineage) && record.offset() > latestOffset) {
                        latest = decoded.value();
                        latestOffset = record.offset();
                    }
                }
            }
        }
        return Optional.ofNullable(latest);
    }

    /** Publishes a checkpoint and waits for the broker's acknowledgement; returns its size in bytes. */
    public int publish(StudentCheckpoint checkpoint) {
        byte[] value = serializer.serialize(topic.name(), checkpoint);
        byte[] key = checkpoint.getId().toString().getBytes(StandardCharsets.UTF_8);
        try {
            RecordMetadata metadata = producer().send(new ProducerRecord<>(topic.name(), key, value)).get();
            LOG.info("published checkpoint {} ({} bytes) at {}-{}@{}", checkpoint.getId(), value.length, metadata.topic(),
                    metadata.partition(), metadata.offset());
            return value.length;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted publishing checkpoint " + checkpoint.getId(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish checkpoint " + checkpoint.getId() + ": " + e.getCause(), e.getCause());
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Map<String, Object> props = new HashMap<>(clientProperties);
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            props.putAll(topic.producerOverrides());
            producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @Override
    public void close() {
        KafkaClients.closeQuietly(producer);
        serializer.close();
    }
}
