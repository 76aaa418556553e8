package io.distillery.launcher.chaos;

import io.distillery.schemas.AugmentationOperation;
import io.distillery.schemas.AugmentedText;
import io.distillery.schemas.PredictionRoute;
import io.distillery.schemas.Prediction;
import io.distillery.schemas.RawText;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * The bad-input corpus thrown at every input topic: bytes that are not Avro, an unknown schema
 * id, a record of another schema, a tombstone, and (on text.raw, where any text is legal) empty,
 * 1 MB, invalid UTF-8, control-character, emoji-only, right-to-left and 10,000-token texts.
 * Each input is either dead-lettered with a reason or (a legal text) answered with a prediction.
 */
public final class BadInputs {

    /** What a correct pipeline does with the input. */
    public enum Expectation {
        /** Dead-lettered with its reason, by every service consuming the topic. */
        DEAD_LETTER,
        /** A text: answered (a prediction for its id) or dead-lettered with a reason; never silently dropped. */
        ANSWER_OR_DEAD_LETTER
    }

    /** One bad record: where it goes, its key and value bytes, and what must happen to it. */
    public record BadInput(String name, Topic<?> topic, byte[] key, byte[] value, Expectation expectation) {
    }

    private BadInputs() {
    }

    /** The corpus for topics named with {@code prefix}; the registry frames the Avro ones. */
    public static List<BadInput> corpus(String prefix, RegistryConfig registry) {
        List<BadInput> inputs = new ArrayList<>();
        Instant now = Instant.now();
        byte[] otherSchema;
        byte[] rawFramed;
        try (Serde<Prediction> predictions = Topics.TEXT_PREDICTIONS.valueSerde(registry);
             Serde<RawText> raw = Topics.TEXT_RAW.valueSerde(registry)) {
            otherSchema = predictions.serializer().serialize(Topics.TEXT_PREDICTIONS.withPrefix(prefix).name(),
                    Prediction.newBuilder().setId("bad-other-schema").setText("not raw text").setLabel("positive")
                            .setProbabilities(Map.of("positive", 1.0)).setConfidence(1.0).setCheckpointId(null)
                            .setRoute(PredictionRoute.STUDENT).setTeacherId(null).setLatencyMs(0).setEventTime(now)
                            .setPredictedAt(now).build());
            rawFramed = raw.serializer().serialize(Topics.TEXT_RAW.withPrefix(prefix).name(), rawText("bad-raw-elsewhere", "a raw text", now));
        }
        byte[] notAvro = {(byte) 0xc3, (byte) 0x28, 0x7f, 0x00};
        byte[] unknownId = ByteBuffer.allocate(9).put((byte) 0).putInt(987_654_321).putInt(42).array();

        Topic<RawText> rawTopic = Topics.TEXT_RAW.withPrefix(prefix);
        inputs.add(bytes("raw-invalid-utf8", rawTopic, notAvro, Expectation.DEAD_LETTER));
        inputs.add(bytes("raw-unknown-schema-id", rawTopic, unknownId, Expectation.DEAD_LETTER));
        inputs.add(bytes("raw-other-schema", rawTopic, otherSchema, Expectation.DEAD_LETTER));
        inputs.add(new BadInput("raw-null-key-and-value", rawTopic, null, null, Expectation.DEAD_LETTER));
        try (Serde<RawText> raw = Topics.TEXT_RAW.valueSerde(registry)) {
            Map<String, String> texts = new java.util.LinkedHashMap<>();
            texts.put("raw-empty-text", "");
            texts.put("raw-1mb-text", "good ".repeat(200_000));
            texts.put("raw-control-characters", "\u0000\u0007 great \u001b[31m product\u0008\r\n\t!");
            texts.put("raw-emoji-only", "\uD83D\uDE00\uD83D\uDD25\uD83D\uDC4D\uD83C\uDF89");
            texts.put("raw-right-to-left", "\u0647\u0630\u0627 \u0627\u0644\u0645\u0646\u062a\u062c \u0631\u0627\u0626\u0639 \u05d6\u05d4 \u05de\u05e6\u05d5\u05d9\u05df");
            texts.put("raw-10000-tokens", "terrible ".repeat(10_000).trim());
            texts.put("raw-malformed-json", "{\"text\": \"unterminated");
            for (Map.Entry<String, String> text : texts.entrySet()) {
                String id = "bad-" + text.getKey();
                inputs.add(new BadInput(text.getKey(), rawTopic, id.getBytes(StandardCharsets.UTF_8),
                        raw.serializer().serialize(rawTopic.name(), rawText(id, text.getValue(), now)), Expectation.ANSWER_OR_DEAD_LETTER));
            }
            // Plain-text clients (kcat) may send invalid UTF-8 without any framing: dead-lettered, not guessed at.
            inputs.add(bytes("raw-plain-invalid-utf8", rawTopic, new byte[] {'o', 'k', (byte) 0xff, (byte) 0xfe}, Expectation.DEAD_LETTER));
        }

        for (Topic<?> topic : List.of(Topics.TEXT_AUGMENTED, Topics.TEXT_LABELED, Topics.TEXT_ESCALATED,
                Topics.STUDENT_CHECKPOINTS, Topics.STUDENT_ROLLOUTS)) {
            Topic<?> named = topic.withPrefix(prefix);
            String base = topic.name().replace('.', '-');
            inputs.add(bytes(base + "-not-avro", named, notAvro, Expectation.DEAD_LETTER));
            inputs.add(bytes(base + "-unknown-schema-id", named, unknownId, Expectation.DEAD_LETTER));
            inputs.add(bytes(base + "-other-schema", named, rawFramed, Expectation.DEAD_LETTER));
            inputs.add(new BadInput(base + "-null-key-and-value", named, null, null, Expectation.DEAD_LETTER));
        }
        try (Serde<AugmentedText> augmented = Topics.TEXT_AUGMENTED.valueSerde(registry)) {
            Topic<AugmentedText> topic = Topics.TEXT_AUGMENTED.withPrefix(prefix);
            String id = "bad-augmented-empty#0";
            inputs.add(new BadInput("text-augmented-empty-text", topic, id.getBytes(StandardCharsets.UTF_8),
                    augmented.serializer().serialize(topic.name(), AugmentedText.newBuilder().setId(id).setParentId("bad-augmented-empty")
                            .setVariant(0).setText(" ").setOperations(List.of(AugmentationOperation.ORIGINAL)).setSource("chaos")
                            .setEventTime(now).setGoldLabel(null).build()), Expectation.DEAD_LETTER));
        }
        return inputs;
    }

    private static BadInput bytes(String name, Topic<?> topic, byte[] value, Expectation expectation) {
        return new BadInput(name, topic, ("bad-" + name).getBytes(StandardCharsets.UTF_8), value, expectation);
    }

    private static RawText rawText(String id, String text, Instant now) {
        return RawText.newBuilder().setId(id).setText(text).setSource("chaos").setEventTime(now).setGoldLabel(null).build();
    }
}
