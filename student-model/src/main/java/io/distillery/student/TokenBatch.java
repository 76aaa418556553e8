package io.distillery.student;

/**
 * Texts as token ids, right-padded with the tokenizer's pad id to the longest row of the batch
 * (never beyond the student's max length).
 *
 * @param ids     {@code [batch][length]}
 * @param mask    {@code [batch][length]}, 1 for real tokens, 0 for padding
 * @param lengths real tokens per row
 */
public record TokenBatch(long[][] ids, long[][] mask, int[] lengths) {

    public int size() {
        return ids.length;
    }

    public int length() {
        return ids.length == 0 ? 0 : ids[0].length;
    }

    /** Whether any row is shorter than the batch (has padding). */
    public boolean padded() {
        int length = length();
        for (int n : lengths) {
            if (n < length) {
                return true;
            }
        }
        return false;
    }

    public long[] flatIds() {
        return flatten(ids);
    }

    public long[] flatMask() {
        return flatten(mask);
    }

    private long[] flatten(long[][] rows) {
        int length = length();
        long[] flat = new long[rows.length * length];
        for (int b = 0; b < rows.length; b++) {
            System.arraycopy(rows[b], 0, flat, b * length, length);
        }
        return flat;
    }
}
