package io.distillery.teacher;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a sequence of token vectors becomes one vector per text. Done in plain Java on the
 * model's output, because OnnxRuntime's NDArrays support almost no operations.
 */
public enum Pooling {
    /** Average over the real (unmasked) tokens: sentence-transformers models such as MiniLM, E5. */
    MEAN,
    /** The first token's vector: BERT-style [CLS] models such as BGE. */
    CLS,
    /** The model already outputs one row of logits per text (an exported HF classifier). */
    NONE;

    /** The name used in {@code teacher.properties}. */
    public String manifestName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Pooling fromManifest(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(p -> p.manifestName().equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown pooling '" + value + "': expected one of mean, cls, none"));
    }

    /**
     * Pools a {@code [batch, tokens, hidden]} tensor given row-major in {@code hidden}.
     *
     * @param mask the attention mask, {@code [batch][tokens]}, 1 for real tokens, 0 for padding
     * @return one vector of size {@code hiddenSize} per batch row
     */
    public float[][] pool(float[] hidden, int batch, int tokens, int hiddenSize, long[][] mask) {
        if (this == NONE) {
            throw new IllegalStateException("pooling 'none' has nothing to pool: the model outputs logits");
        }
        float[][] pooled = new float[batch][hiddenSize];
        for (int b = 0; b < batch; b++) {
            int rowStart = b * tokens * hiddenSize;
            if (this == CLS) {
                System.arraycopy(hidden, rowStart, pooled[b], 0, hiddenSize);
                continue;
            }
            int real = 0;
            for (int t = 0; t < tokens; t++) {
                if (mask[b][t] == 0) {
                    continue;
                }
                real++;
                int offset = rowStart + t * hiddenSize;
                for (int h = 0; h < hiddenSize; h++) {
                    pooled[b][h] += hidden[offset + h];
                }
            }
            // A tokenizer always adds [CLS]/[SEP], so real > 0; guard anyway against a 0/0 NaN.
            float scale = 1f / Math.max(real, 1);
            for (int h = 0; h < hiddenSize; h++) {
                pooled[b][h] *= scale;
            }
        }
        return pooled;
    }
}
