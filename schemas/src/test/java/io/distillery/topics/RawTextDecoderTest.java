package io.distillery.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.schemas.RawText;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/** What plain clients (kcat, curl-to-REST-proxy, scripts) may put on text.raw, and how it reads. */
class RawTextDecoderTest {

    private static final long TIMESTAMP = 1_795_305_600_000L;

    @SuppressWarnings("unchecked")
    private final RawTextDecoder decoder = new RawTextDecoder(new RecordDecoder<>(Topics.TEXT_RAW,
            (Deserializer<RawText>) (topic, data) -> SampleRecords.raw()));

    private RecordDecoder.Decoded<RawText> decode(String key, String value) {
        return decoder.decode(new RawTextDecoder.Position("text.raw", 3, 42, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                TIMESTAMP), value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void plainTextTakesItsIdFromTheKeyOrItsPosition() {
        RawText keyed = decode("tweet-9", "good morning ☀️ @bob\n").value();
        assertEquals("tweet-9", keyed.getId());
        assertEquals("good morning ☀️ @bob", keyed.getText(), "the line end kcat adds is not part of the text");
        assertEquals(RawTextDecoder.PLAIN_SOURCE, keyed.getSource());
        assertEquals(Instant.ofEpochMilli(TIMESTAMP), keyed.getEventTime());
        assertNull(keyed.getGoldLabel());

        assertEquals("text.raw-3-42", decode(null, "no key here").value().getId(), "deterministic: same id on reprocessing");
    }

    @Test
    void jsonObjectsMayCarryEveryField() {
        RawText raw = decode("ignored", "{\"id\":\"r-1\",\"text\":\"great food\",\"source\":\"yelp\","
                + "\"event_time\":\"2026-11-21T10:00:00Z\",\"gold_label\":\"positive\",\"metadata\":{\"lang\":\"en\",\"n\":3}}").value();
        assertEquals("r-1", raw.getId());
        assertEquals("great food", raw.getText());
        assertEquals("yelp", raw.getSource());
        assertEquals(Instant.parse("2026-11-21T10:00:00Z"), raw.getEventTime());
        assertEquals("positive", raw.getGoldLabel());
        assertEquals(Map.of("lang", "en", "n", "3"), raw.getMetadata());

        RawText minimal = decode("k", "{\"text\":\"just text\",\"event_time\":1000}").value();
        assertEquals("k", minimal.getId());
        assertEquals(Instant.ofEpochMilli(1000), minimal.getEventTime());
    }

    @Test
    void brokenJsonAndJsonWithoutTextAreRefusedWithTheirReason() {
        assertTrue(decode(null, "{\"text\": \"unterminated").failure()
                .startsWith("value starts like a JSON object but is not valid JSON"));
        assertEquals("JSON object has no string field \"text\"", decode(null, "{\"body\":\"x\"}").failure());
        assertEquals("JSON object has no string field \"text\"", decode(null, "{\"text\":42}").failure());
        assertTrue(decode(null, "{\"text\":\"x\",\"event_time\":\"yesterday\"}").failure()
                .startsWith("JSON field \"event_time\" is neither epoch milliseconds nor an ISO-8601 instant"));
    }

    @Test
    void invalidUtf8IsRefused() {
        RecordDecoder.Decoded<RawText> decoded = decoder.decode(new RawTextDecoder.Position("text.raw", 0, 0, null, TIMESTAMP),
                new byte[] {'h', 'i', (byte) 0xc3, (byte) 0x28});
        assertEquals("value is neither registry-framed Avro (first byte 0x00) nor valid UTF-8 text", decoded.failure());
    }

    @Test
    void framedAvroAndNullGoThroughTheAvroDecoder() {
        RecordDecoder.Decoded<RawText> avro = decoder.decode(new RawTextDecoder.Position("text.raw", 0, 0, null, TIMESTAMP),
                new byte[] {0, 0, 0, 0, 1, 2});
        assertEquals(SampleRecords.raw(), avro.value());
        assertEquals("null value (tombstone) where a RawText is expected",
                decoder.decode(new RawTextDecoder.Position("text.raw", 0, 0, null, TIMESTAMP), null).failure());
    }
}
