package io.distillery.teacher;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Text in, raw logits out (never probabilities: the temperature is the consumer's choice).
 *
 * <p>Batches are tokenized together and padded to their own longest text ({@link TokenBatch});
 * texts longer than the bundle's max_length are truncated by the tokenizer and an empty or
 * null text becomes just the special tokens, so no input makes the model fail. Pooling and the
 * linear head run in plain Java on the model's output, which works the same on every engine.
 *
 * <p>Without a head the translator returns the pooled vectors themselves: {@code teacher fit}
 * uses that to compute the features it trains a head on.
 */
public final class TeacherTranslator implements Translator<String, float[]> {

    private static final String MASK_ATTACHMENT = "attention_mask";

    private final HuggingFaceTokenizer tokenizer;
    private final List<String> inputNames;
    private final Pooling pooling;
    private final LinearHead head;

    /**
     * @param tokenizer  built with truncation at max_length ({@link #tokenizer})
     * @param inputNames the model's inputs in positional order
     * @param pooling    how to reduce the model's token vectors; {@link Pooling#NONE} when it outputs logits
     * @param head       applied after pooling; null to output the pooled vectors
     */
    public TeacherTranslator(HuggingFaceTokenizer tokenizer, List<String> inputNames, Pooling pooling,
                             LinearHead head) {
        this.tokenizer = Objects.requireNonNull(tokenizer);
        this.inputNames = List.copyOf(inputNames);
        this.pooling = Objects.requireNonNull(pooling);
        this.head = head;
        if (pooling == Pooling.NONE && head != null) {
            throw new IllegalArgumentException("a model that outputs logits takes no head");
        }
    }

    /**
     * The tokenizer every teacher uses: the bundle's tokenizer.json, truncating at max_length and
     * padding to the longest text of each batch (whatever padding the file itself asks for).
     */
    public static HuggingFaceTokenizer tokenizer(Path tokenizerJson, int maxLength) throws IOException {
        return HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerJson)
                .optMaxLength(maxLength)
                .optTruncation(true)
                .optPadding(true)
                .build();
    }

    /** Tokenizes and pads a batch exactly as the model will see it (for tests and diagnostics). */
    public TokenBatch tokenize(List<String> texts) {
        List<String> safe = texts.stream().map(t -> t == null ? "" : t).toList();
        Encoding[] encodings = tokenizer.batchEncode(safe);
        return TokenBatch.pad(encodings);
    }

    /** The token ids the model sees for one text (after truncation; a null text is the empty one). */
    public int[] tokenIds(String text) {
        long[] ids = tokenizer.encode(text == null ? "" : text).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, String input) throws Exception {
        return batchProcessInput(ctx, Collections.singletonList(input));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) throws Exception {
        return batchProcessOutput(ctx, list).get(0);
    }

    @Override
    public NDList batchProcessInput(TranslatorContext ctx, List<String> inputs) {
        TokenBatch batch = tokenize(inputs);
        ctx.setAttachment(MASK_ATTACHMENT, batch.attentionMask());
        NDManager manager = ctx.getNDManager();
        NDList list = new NDList(inputNames.size());
        for (String name : inputNames) {
            NDArray array = manager.create(flatten(batch.input(name)), new Shape(batch.size(), batch.length()));
            // OnnxRuntime binds inputs by name; PyTorch by position (the order of inputNames).
            array.setName(name);
            list.add(array);
        }
        return list;
    }

    @Override
    public List<float[]> batchProcessOutput(TranslatorContext ctx, NDList list) {
        // The first output: logits [batch, classes] or token vectors [batch, tokens, hidden].
        NDArray output = list.get(0);
        long[] shape = output.getShape().getShape();
        // Converted only when needed: OnnxRuntime's NDArrays cannot convert types themselves.
        float[] values = (output.getDataType() == DataType.FLOAT32 ? output : output.toType(DataType.FLOAT32, false))
                .toFloatArray();
        if (pooling == Pooling.NONE) {
            if (shape.length != 2) {
                throw new IllegalStateException("pooling is none, so the model must output logits [batch, classes];"
                        + " it output shape " + output.getShape());
            }
            return rows(values, (int) shape[0], (int) shape[1]);
        }
        if (shape.length != 3) {
            throw new IllegalStateException("pooling is " + pooling.manifestName() + ", so the model must output"
                    + " token vectors [batch, tokens, hidden]; it output shape " + output.getShape());
        }
        long[][] mask = (long[][]) ctx.getAttachment(MASK_ATTACHMENT);
        float[][] pooled = pooling.pool(values, (int) shape[0], (int) shape[1], (int) shape[2], mask);
        List<float[]> result = new ArrayList<>(pooled.length);
        for (float[] vector : pooled) {
            result.add(head == null ? vector : head.apply(vector));
        }
        return result;
    }

    private static long[] flatten(long[][] rows) {
        int width = rows.length == 0 ? 0 : rows[0].length;
        long[] flat = new long[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * width, width);
        }
        return flat;
    }

    private static List<float[]> rows(float[] values, int count, int width) {
        List<float[]> rows = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            float[] row = new float[width];
            System.arraycopy(values, r * width, row, 0, width);
            rows.add(row);
        }
        return rows;
    }
}
