package io.distillery.teacher;

import ai.djl.huggingface.tokenizers.Encoding;

/**
 * A batch of tokenized texts padded to the longest one in the batch (not to max_length), so a
 * batch of short texts stays cheap. Ragged encodings are fine: shorter rows are filled with pad
 * id 0 and attention mask 0, which every input the teacher feeds the model respects.
 *
 * @param inputIds      {@code [batch][length]}
 * @param attentionMask {@code [batch][length]}, 1 for real tokens
 * @param tokenTypeIds  {@code [batch][length]}
 */
public record TokenBatch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {

    public static TokenBatch pad(Encoding[] encodings) {
        int length = 0;
        for (Encoding encoding : encodings) {
            length = Math.max(length, encoding.getIds().length);
        }
        long[][] ids = new long[encodings.length][length];
        long[][] mask = new long[encodings.length][length];
        long[][] types = new long[encodings.length][length];
        for (int b = 0; b < encodings.length; b++) {
            long[] rowIds = encodings[b].getIds();
            System.arraycopy(rowIds, 0, ids[b], 0, rowIds.length);
            System.arraycopy(encodings[b].getAttentionMask(), 0, mask[b], 0, rowIds.length);
            System.arraycopy(encodings[b].getTypeIds(), 0, types[b], 0, rowIds.length);
        }
        return new TokenBatch(ids, mask, types);
    }

    public int size() {
        return inputIds.length;
    }

    /** Tokens per row after padding. */
    public int length() {
        return inputIds.length == 0 ? 0 : inputIds[0].length;
    }

    /** The rows of one named model input ({@code input_ids}, {@code attention_mask}, {@code token_type_ids}). */
    public long[][] input(String name) {
        return switch (name) {
            case TeacherManifest.INPUT_IDS -> inputIds;
            case TeacherManifest.ATTENTION_MASK -> attentionMask;
            case TeacherManifest.TOKEN_TYPE_IDS -> tokenTypeIds;
            default -> throw new IllegalArgumentException("unknown model input " + name);
        };
    }
}
