package io.distillery.topics;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One entry of the topic catalogue: a topic's name, how its keys and values are serialised,
 * and how it is created. Services never spell a topic name or a serde themselves; they ask
 * {@link Topics} for the entry and use it.
 *
 * @param <V> the value type: a generated Avro record, or {@code byte[]} for dead-letter topics
 */
public final class Topic<V> {

    /** Whether values are Avro records framed for the schema registry or opaque bytes. */
    public enum ValueFormat { AVRO, BYTES }

    private final String name;
    private final Class<V> valueType;
    private final ValueFormat valueFormat;
    private final int partitions;
    private final Map<String, String> config;
    private final int maxRecordBytes;
    private final boolean deadLettered;

    Topic(String name, Class<V> valueType, ValueFormat valueFormat, int partitions,
          Map<String, String> config, int maxRecordBytes, boolean deadLettered) {
        this.name = Objects.requireNonNull(name, "name");
        this.valueType = Objects.requireNonNull(valueType, "valueType");
        this.valueFormat = valueFormat;
        this.partitions = partitions;
        this.config = Map.copyOf(config);
        this.maxRecordBytes = maxRecordBytes;
        this.deadLettered = deadLettered;
    }

    public String name() { return name; }

    public Class<V> valueType() { return valueType; }

    public ValueFormat valueFormat() { return valueFormat; }

    public int partitions() { return partitions; }

    /** Topic-level configuration (cleanup policy, retention, max.message.bytes, ...). */
    public Map<String, String> config() { return config; }

    /** The largest record this topic accepts; clients need matching request/fetch sizes. */
    public int maxRecordBytes() { return maxRecordBytes; }

    /** Keys are always the record's id as a UTF-8 string. */
    public Serde<String> keySerde() { return Serdes.String(); }

    /** The value serde, configured against the given registry (unused for byte topics). */
    public Serde<V> valueSerde(RegistryConfig registry) {
        return RegistrySerdes.valueSerde(this, registry);
    }

    /** The dead-letter topic that collects this topic's unreadable records, if it has one. */
    public Optional<Topic<byte[]>> deadLetterTopic() {
        if (!deadLettered) {
            return Optional.empty();
        }
        return Optional.of(Topics.deadLetterTopicFor(this));
    }

    /** The same topic under another name: tests use it to give every test its own topics. */
    public Topic<V> renamed(String newName) {
        return new Topic<>(newName, valueType, valueFormat, partitions, config, maxRecordBytes, deadLettered);
    }

    /** The same topic behind a name prefix (see {@link Topics#newTopics}). */
    public Topic<V> withPrefix(String prefix) {
        return prefix == null || prefix.isEmpty() ? this : renamed(prefix + name);
    }

    /** The Admin request that creates this topic. */
    public NewTopic newTopic(short replicationFactor) {
        return new NewTopic(name, partitions, replicationFactor).configs(new TreeMap<>(config));
    }

    /** Producer settings this topic needs beyond the defaults (large records). */
    public Map<String, Object> producerOverrides() {
        // The producer's buffer must hold a whole record, or a large send fails on the client side.
        return maxRecordBytes > Topics.DEFAULT_MAX_RECORD_BYTES
                ? Map.of("max.request.size", maxRecordBytes, "buffer.memory", 2L * maxRecordBytes)
                : Map.of();
    }

    /** Consumer settings this topic needs beyond the defaults (large records). */
    public Map<String, Object> consumerOverrides() {
        return maxRecordBytes > Topics.DEFAULT_MAX_RECORD_BYTES
                ? Map.of("max.partition.fetch.bytes", maxRecordBytes, "fetch.max.bytes", maxRecordBytes)
                : Map.of();
    }

    @Override
    public String toString() {
        return name + " (" + valueType.getSimpleName() + ", " + partitions + " partitions)";
    }
}
