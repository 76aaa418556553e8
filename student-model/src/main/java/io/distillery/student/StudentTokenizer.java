package io.distillery.student;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The teacher's tokenizer.json, shared through DJL's {@link HuggingFaceTokenizer} so teacher and
 * student can never disagree on the vocabulary. Texts are truncated to a max length (special tokens
 * included) and right-padded to the longest row of each batch. Thread-safe (the native tokenizer is).
 */
public final class StudentTokenizer implements AutoCloseable {

    /** Hard cap the native tokenizer truncates at; students truncate further to their own max length. */
    private static final int NATIVE_MAX_LENGTH = 512;
    /** [CLS] … [SEP] as the teacher saw them (DJL's default too). */
    private static final boolean ADD_SPECIAL_TOKENS = true;

    private final HuggingFaceTokenizer tokenizer;
    private final TokenizerRef reference;
    private final int vocabSize;
    private final long padId;

    private StudentTokenizer(HuggingFaceTokenizer tokenizer, TokenizerRef reference, int vocabSize, long padId) {
        this.tokenizer = tokenizer;
        this.reference = reference;
        this.vocabSize = vocabSize;
        this.padId = padId;
    }

    /** Loads a tokenizer.json; its reference is {@code name} and the file's SHA-256. */
    public static StudentTokenizer load(Path tokenizerJson, String name) throws IOException {
        return fromBytes(Files.readAllBytes(tokenizerJson), name);
    }

    /** Loads tokenizer.json content; its reference is {@code name} and the content's SHA-256. */
    public static StudentTokenizer fromBytes(byte[] tokenizerJson, String name) throws IOException {
        JsonObject json = JsonParser.parseString(new String(tokenizerJson, StandardCharsets.UTF_8)).getAsJsonObject();
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson),
                Map.of("truncation", "true", "padding", "false", "maxLength", Integer.toString(NATIVE_MAX_LENGTH)));
        return new StudentTokenizer(tokenizer, new TokenizerRef(name, Hashing.sha256Hex(tokenizerJson)),
                vocabSize(json), padId(json));
    }

    /** Largest token id + 1 over the model's vocabulary and the added tokens. */
    static int vocabSize(JsonObject json) {
        long max = -1;
        JsonObject model = json.getAsJsonObject("model");
        JsonElement vocab = model == null ? null : model.get("vocab");
        if (vocab != null && vocab.isJsonObject()) {
            for (Map.Entry<String, JsonElement> entry : vocab.getAsJsonObject().entrySet()) {
                max = Math.max(max, entry.getValue().getAsLong());
            }
        } else if (vocab != null && vocab.isJsonArray()) {
            max = vocab.getAsJsonArray().size() - 1L; // Unigram: [[piece, score], ...], id = position
        }
        if (json.has("added_tokens") && json.get("added_tokens").isJsonArray()) {
            for (JsonElement token : json.getAsJsonArray("added_tokens")) {
                max = Math.max(max, token.getAsJsonObject().get("id").getAsLong());
            }
        }
        if (max < 0) {
            throw new IllegalArgumentException("tokenizer.json has no vocabulary");
        }
        return Math.toIntExact(max + 1);
    }

    private static long padId(JsonObject json) {
        JsonElement padding = json.get("padding");
        if (padding != null && padding.isJsonObject() && padding.getAsJsonObject().has("pad_id")) {
            return padding.getAsJsonObject().get("pad_id").getAsLong();
        }
        return 0;
    }

    public TokenizerRef reference() {
        return reference;
    }

    public int vocabSize() {
        return vocabSize;
    }

    public long padId() {
        return padId;
    }

    /** Token ids of one text, special tokens included, truncated to {@code maxLength}. */
    public long[] ids(String text, int maxLength) {
        return encode(List.of(text), maxLength).ids()[0];
    }

    /**
     * Tokenizes a batch: special tokens included, each row truncated to {@code maxLength} (keeping
     * the final special token, e.g. [SEP]), padded to the longest row. Null texts count as empty.
     */
    public TokenBatch encode(List<String> texts, int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be positive");
        }
        long[][] rows = new long[texts.size()][];
        int length = 1;
        for (int b = 0; b < rows.length; b++) {
            long[] all = tokenIds(texts.get(b));
            if (all.length > maxLength) {
                long[] cut = new long[maxLength];
                System.arraycopy(all, 0, cut, 0, maxLength - 1);
                cut[maxLength - 1] = all[all.length - 1];
                all = maxLength == 1 ? new long[] {all[0]} : cut;
            }
            rows[b] = all;
            length = Math.max(length, all.length);
        }
        long[][] ids = new long[rows.length][length];
        long[][] mask = new long[rows.length][length];
        int[] lengths = new int[rows.length];
        for (int b = 0; b < rows.length; b++) {
            java.util.Arrays.fill(ids[b], padId);
            System.arraycopy(rows[b], 0, ids[b], 0, rows[b].length);
            java.util.Arrays.fill(mask[b], 0, rows[b].length, 1L);
            lengths[b] = rows[b].length;
        }
        return new TokenBatch(ids, mask, lengths);
    }

    /**
     * One text's ids straight from the native encoding: {@link HuggingFaceTokenizer#encode} would
     * also copy out tokens, type ids, word ids, char spans and masks we never read, a third of the
     * tokenizer's time at serving's batch 1. Truncation is the native tokenizer's, set at load.
     */
    private long[] tokenIds(String text) {
        long encoding = TokenizersLibrary.LIB.encode(tokenizer.getHandle(), text == null ? "" : text, ADD_SPECIAL_TOKENS);
        try {
            return TokenizersLibrary.LIB.getTokenIds(encoding);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
