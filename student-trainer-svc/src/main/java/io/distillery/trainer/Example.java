package io.distillery.trainer;

/**
 * One training example from the stream, with where it came from.
 *
 * @param text      the text the teacher labelled
 * @param teacher   the teacher's raw logits, in the student's label order
 * @param gold      the gold label index in the student's label order, or −1
 * @param eventTime the raw text's event time (epoch millis)
 * @param topic     source topic
 * @param partition source partition
 * @param offset    source offset
 */
public record Example(String text, float[] teacher, int gold, long eventTime, String topic, int partition, long offset) {

    /** The teacher's argmax. */
    public int teacherLabel() {
        int best = 0;
        for (int c = 1; c < teacher.length; c++) {
            if (teacher[c] > teacher[best]) {
                best = c;
            }
        }
        return best;
    }
}
