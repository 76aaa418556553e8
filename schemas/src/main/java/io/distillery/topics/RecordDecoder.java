package io.distillery.topics;

import io.apicurio.registry.rest.client.models.ProblemDetails;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes a raw record of a catalogue topic into its value type, or explains in one sentence
 * why it cannot: the explanation is what goes into the dead-letter headers. Services consume
 * bytes and decode record by record, so one bad record never stops a batch.
 *
 * <p>A registry that cannot be asked says nothing about the record: then {@link #decode} throws
 * {@link RegistryUnavailableException} instead, and the caller reads the record again later.
 *
 * @param <V> the topic's value type
 */
public final class RecordDecoder<V> implements AutoCloseable {

    /** Confluent's framing, which Apicurio's 4-byte id handler uses too: magic byte, int id. */
    private static final byte MAGIC_BYTE = 0;
    private static final int HEADER_BYTES = 5;

    private final Topic<V> topic;
    private final Deserializer<V> deserializer;

    public RecordDecoder(Topic<V> topic, RegistryConfig registry) {
        this(topic, topic.valueSerde(registry).deserializer());
    }

    /** With a given deserializer: for tests, which have no registry. */
    public RecordDecoder(Topic<V> topic, Deserializer<V> deserializer) {
        this.topic = Objects.requireNonNull(topic);
        this.deserializer = Objects.requireNonNull(deserializer);
    }

    /** The result of decoding one record: exactly one of value and failure is set. */
    public record Decoded<V>(V value, String failure, Throwable cause) {
        public boolean ok() {
            return failure == null;
        }

        public <R> R fold(Function<V, R> onValue, Function<Decoded<V>, R> onFailure) {
            return ok() ? onValue.apply(value) : onFailure.apply(this);
        }
    }

    /** @throws RegistryUnavailableException when the registry could not be asked (see the class comment) */
    public Decoded<V> decode(ConsumerRecord<byte[], byte[]> record) {
        return decode(record.topic(), record.value());
    }

    /** @throws RegistryUnavailableException when the registry could not be asked (see the class comment) */
    public Decoded<V> decode(String sourceTopic, byte[] value) {
        String expected = topic.valueType().getSimpleName();
        if (value == null) {
            return failure("null value (tombstone) where a " + expected + " is expected", null);
        }
        if (topic.valueFormat() == Topic.ValueFormat.AVRO) {
            if (value.length < HEADER_BYTES || value[0] != MAGIC_BYTE) {
                return failure(String.format("value is not registry-framed Avro (%d bytes, first byte 0x%02x; expected "
                        + "magic byte 0x00 and a 4-byte schema id) where a %s is expected",
                        value.length, value.length == 0 ? 0 : value[0] & 0xff, expected), null);
            }
        }
        Object decoded;
        try {
            decoded = deserializer.deserialize(sourceTopic, value);
        } catch (RuntimeException e) {
            int schemaId = value.length >= HEADER_BYTES
                    ? ((value[1] & 0xff) << 24) | ((value[2] & 0xff) << 16) | ((value[3] & 0xff) << 8) | (value[4] & 0xff)
                    : -1;
            if (RegistryUnavailableException.isTransient(e)) {
                throw new RegistryUnavailableException("the schema registry is unavailable: cannot decode a " + expected
                        + " of " + sourceTopic + " written with schema id " + schemaId + " now: " + rootMessage(e), e);
            }
            return failure("cannot decode a " + expected + " written with schema id " + schemaId + ": " + rootMessage(e), e);
        }
        if (!topic.valueType().isInstance(decoded)) {
            String actual = decoded == null ? "null" : decoded.getClass().getName();
            return failure("record of type " + actual + " where a " + expected + " is expected", null);
        }
        return new Decoded<>(topic.valueType().cast(decoded), null, null);
    }

    private Decoded<V> failure(String reason, Throwable cause) {
        return new Decoded<>(null, reason, cause);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof ProblemDetails problem) {
            // The registry's REST error: its status and title say it all ("404 ... No content with id").
            return "registry answered " + problem.getStatus() + ": " + problem.getTitle()
                    + (problem.getDetail() == null ? "" : " (" + problem.getDetail() + ")");
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : " (" + message.lines().findFirst().orElse("") + ")");
    }

    @Override
    public void close() {
        deserializer.close();
    }
}
