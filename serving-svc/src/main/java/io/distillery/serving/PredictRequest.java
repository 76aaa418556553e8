package io.distillery.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /predict}: {@code {"text": "..."}} or {@code {"texts": ["...", ...]}}.
 * {@link #parse} says exactly what is wrong with a body it refuses (the 400's message).
 */
public record PredictRequest(List<String> texts, boolean single) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A refused body; the message is for the caller. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message);
        }
    }

    public static PredictRequest parse(String body, int maxTexts, int maxTextChars) throws Invalid {
        if (body == null || body.isBlank()) {
            throw new Invalid("empty body: send {\"text\": \"...\"} or {\"texts\": [\"...\", ...]}");
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Invalid("malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new Invalid("the body must be a JSON object with \"text\" or \"texts\"");
        }
        JsonNode text = node.get("text");
        JsonNode texts = node.get("texts");
        if ((text == null) == (texts == null)) {
            throw new Invalid("give exactly one of \"text\" (a string) and \"texts\" (an array of strings)");
        }
        List<String> out = new ArrayList<>();
        if (text != null) {
            if (!text.isTextual()) {
                throw new Invalid("\"text\" must be a string");
            }
            out.add(text.textValue());
        } else {
            if (!texts.isArray()) {
                throw new Invalid("\"texts\" must be an array of strings");
            }
            if (texts.isEmpty()) {
                throw new Invalid("\"texts\" is empty");
            }
            if (texts.size() > maxTexts) {
                throw new Invalid(texts.size() + " texts; at most " + maxTexts + " per request");
            }
            for (JsonNode t : texts) {
                if (!t.isTextual()) {
                    throw new Invalid("every element of \"texts\" must be a string");
                }
                out.add(t.textValue());
            }
        }
        for (int i = 0; i < out.size(); i++) {
            String t = out.get(i);
            if (t.isBlank()) {
                throw new Invalid(text != null ? "\"text\" is empty" : "texts[" + i + "] is empty");
            }
            if (t.length() > maxTextChars) {
                throw new Invalid((text != null ? "\"text\"" : "texts[" + i + "]") + " has " + t.length()
                        + " characters; at most " + maxTextChars);
            }
        }
        return new PredictRequest(List.copyOf(out), text != null);
    }
}
