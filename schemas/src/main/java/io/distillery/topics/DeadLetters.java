package io.distillery.topics;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The dead-letter pattern every service uses: a record that cannot be processed is copied,
 * key, value and headers untouched, to {@code <topic>.dlq}, with headers saying why and where
 * it came from. Nothing is dropped and the stream goes on.
 */
public final class DeadLetters {

    /** Human-readable reason, e.g. "value is not registry-framed Avro: first byte 0x7b". */
    public static final String REASON = "distillery.dlq.reason";
    /** Class of the exception behind the failure, if any. */
    public static final String ERROR_CLASS = "distillery.dlq.error.class";
    public static final String SOURCE_TOPIC = "distillery.dlq.source.topic";
    public static final String SOURCE_PARTITION = "distillery.dlq.source.partition";
    public static final String SOURCE_OFFSET = "distillery.dlq.source.offset";
    /** The service that gave up on the record. */
    public static final String SERVICE = "distillery.dlq.service";
    /** When it gave up (ISO-8601). */
    public static final String FAILED_AT = "distillery.dlq.failed.at";

    private DeadLetters() {
    }

    /** The dead-letter copy of a record that failed in {@code service} for {@code reason}. */
    public static ProducerRecord<byte[], byte[]> deadLetter(
            ConsumerRecord<byte[], byte[]> failed, String service, String reason, Throwable cause) {
        Headers headers = headers(failed.headers(), failed.topic(), failed.partition(), failed.offset(), service, reason, cause);
        // Partition and timestamp are the producer's: the source's are in the headers, and an old
        // timestamp would let retention delete the dead letter before anyone looks at it.
        return new ProducerRecord<>(Topics.deadLetterTopicName(failed.topic()), null, null,
                failed.key(), failed.value(), headers);
    }

    /**
     * The headers of a dead letter: the original ones, then reason, error class and source
     * position. For callers that build the record themselves (a Kafka Streams processor).
     */
    public static Headers headers(Headers original, String sourceTopic, int sourcePartition, long sourceOffset,
                                  String service, String reason, Throwable cause) {
        Headers headers = new RecordHeaders();
        for (Header header : original) {
            headers.add(header);
        }
        put(headers, REASON, reason);
        if (cause != null) {
            put(headers, ERROR_CLASS, cause.getClass().getName());
        }
        put(headers, SOURCE_TOPIC, sourceTopic);
        put(headers, SOURCE_PARTITION, Integer.toString(sourcePartition));
        put(headers, SOURCE_OFFSET, Long.toString(sourceOffset));
        put(headers, SERVICE, service);
        put(headers, FAILED_AT, Instant.now().toString());
        return headers;
    }

    /** Reads one of the headers above from a dead-letter record. */
    public static Optional<String> header(Headers headers, String name) {
        return Optional.ofNullable(headers.lastHeader(name)).map(h -> new String(h.value(), StandardCharsets.UTF_8));
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
