package io.distillery.topics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.schemas.RawText;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * Reads what users put on {@code text.raw}: registry-framed Avro {@link RawText} (any Confluent
 * or Apicurio client), or, for plain clients such as {@code kcat -P}, a UTF-8 JSON object
 * ({@code {"id": ..., "text": ..., "source": ..., "event_time": ..., "gold_label": ...}}, only
 * {@code text} required) or plain UTF-8 text. Everything is normalised to {@link RawText}.
 *
 * <p>Ids are deterministic so that reprocessing after a crash yields the same ids: the JSON
 * {@code id}, else the record key, else {@code <topic>-<partition>-<offset>}.
 */
public final class RawTextDecoder implements AutoCloseable {

    /** The source recorded for JSON and plain text values that do not name one. */
    public static final String PLAIN_SOURCE = "plain";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecordDecoder<RawText> avro;

    public RawTextDecoder(RecordDecoder<RawText> avro) {
        this.avro = Objects.requireNonNull(avro);
    }

    /** Where a record sat and what came with it, for ids and event times of plain values. */
    public record Position(String topic, int partition, long offset, byte[] key, long timestamp) {
    }

    /** @throws RegistryUnavailableException when a framed value's schema cannot be fetched now (see {@link RecordDecoder}) */
    public RecordDecoder.Decoded<RawText> decode(Position at, byte[] value) {
        if (value == null || value.length == 0 || value[0] == 0) {
            return avro.decode(at.topic(), value); // null, empty and framed Avro: the Avro decoder explains
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return failure("value is neither registry-framed Avro (first byte 0x00) nor valid UTF-8 text", e);
        }
        String fallbackId = at.key() != null && at.key().length > 0
                ? new String(at.key(), StandardCharsets.UTF_8)
                : at.topic() + "-" + at.partition() + "-" + at.offset();
        Instant fallbackTime = Instant.ofEpochMilli(Math.max(0, at.timestamp()));
        if (text.stripLeading().startsWith("{")) {
            return fromJson(text, fallbackId, fallbackTime);
        }
        return ok(RawText.newBuilder().setId(fallbackId).setText(stripLineEnd(text)).setSource(PLAIN_SOURCE)
                .setEventTime(fallbackTime).setGoldLabel(null).setMetadata(Map.of()).build());
    }

    private static RecordDecoder.Decoded<RawText> fromJson(String json, String fallbackId, Instant fallbackTime) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return failure("value starts like a JSON object but is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            return failure("JSON value is not an object", null);
        }
        JsonNode text = node.get("text");
        if (text == null || !text.isTextual()) {
            return failure("JSON object has no string field \"text\"", null);
        }
        Instant eventTime;
        try {
            eventTime = eventTime(node.get("event_time"), fallbackTime);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return failure("JSON field \"event_time\" is neither epoch milliseconds nor an ISO-8601 instant: "
                    + node.get("event_time"), e);
        }
        Map<String, String> metadata = new HashMap<>();
        JsonNode meta = node.get("metadata");
        if (meta != null && meta.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                metadata.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
        }
        return ok(RawText.newBuilder()
                .setId(textField(node, "id", fallbackId))
                .setText(text.textValue())
                .setSource(textField(node, "source", PLAIN_SOURCE))
                .setEventTime(eventTime)
                .setGoldLabel(textField(node, "gold_label", null))
                .setMetadata(metadata)
                .build());
    }

    private static Instant eventTime(JsonNode node, Instant fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (node.isIntegralNumber()) {
            return Instant.ofEpochMilli(node.longValue());
        }
        if (node.isTextual()) {
            return Instant.parse(node.textValue());
        }
        throw new IllegalArgumentException("unsupported event_time");
    }

    private static String textField(JsonNode node, String name, String fallback) {
        JsonNode field = node.get(name);
        if (field == null || field.isNull()) {
            return fallback;
        }
        return field.isTextual() ? field.textValue() : field.toString();
    }

    private static String stripLineEnd(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }

    private static RecordDecoder.Decoded<RawText> ok(RawText raw) {
        return new RecordDecoder.Decoded<>(raw, null, null);
    }

    private static RecordDecoder.Decoded<RawText> failure(String reason, Throwable cause) {
        return new RecordDecoder.Decoded<>(null, reason, cause);
    }

    @Override
    public void close() {
        avro.close();
    }
}
