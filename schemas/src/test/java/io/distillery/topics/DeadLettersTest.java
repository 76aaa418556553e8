package io.distillery.topics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    @Test
    void deadLetterKeepsTheRecordWholeAndSaysWhyAndWhereFrom() {
        RecordHeaders original = new RecordHeaders();
        original.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        byte[] key = "k1".getBytes(StandardCharsets.UTF_8);
        byte[] value = {1, 2, 3};
        ConsumerRecord<byte[], byte[]> failed = new ConsumerRecord<>("text.raw", 4, 1234L, 99L, TimestampType.CREATE_TIME,
                key.length, value.length, key, value, original, Optional.empty());

        ProducerRecord<byte[], byte[]> dead = DeadLetters.deadLetter(failed, "augmenter", "value is not Avro",
                new IllegalArgumentException("x"));

        assertEquals("text.raw.dlq", dead.topic());
        assertArrayEquals(key, dead.key());
        assertArrayEquals(value, dead.value());
        assertNull(dead.partition(), "the DLQ producer picks the partition");
        assertEquals("value is not Avro", DeadLetters.header(dead.headers(), DeadLetters.REASON).orElseThrow());
        assertEquals("java.lang.IllegalArgumentException", DeadLetters.header(dead.headers(), DeadLetters.ERROR_CLASS).orElseThrow());
        assertEquals("text.raw", DeadLetters.header(dead.headers(), DeadLetters.SOURCE_TOPIC).orElseThrow());
        assertEquals("4", DeadLetters.header(dead.headers(), DeadLetters.SOURCE_PARTITION).orElseThrow());
        assertEquals("1234", DeadLetters.header(dead.headers(), DeadLetters.SOURCE_OFFSET).orElseThrow());
        assertEquals("augmenter", DeadLetters.header(dead.headers(), DeadLetters.SERVICE).orElseThrow());
        assertEquals("abc", DeadLetters.header(dead.headers(), "trace-id").orElseThrow(), "original headers are kept");
        assertEquals(1, failed.headers().toArray().length, "the consumed record is not modified");
    }
}
