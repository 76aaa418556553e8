package io.distillery.trainer;

import io.distillery.schemas.LabeledText;
import java.util.List;

/** {@link LabeledText} → {@link Example} in the student's label order, or a reason why not (for the dead-letter topic). */
public final class Examples {

    private Examples() {
    }

    /** Thrown when a labelled text cannot train this student; the message is the dead-letter reason. */
    public static final class Unusable extends Exception {
        public Unusable(String message) {
            super(message);
        }
    }

    public static Example from(LabeledText labeled, List<String> labels, String topic, int partition, long offset)
            throws Unusable {
        List<? extends CharSequence> names = labeled.getLabelNames();
        List<Float> logits = labeled.getLogits();
        if (names.size() != logits.size()) {
            throw new Unusable(logits.size() + " logits for " + names.size() + " label names");
        }
        if (names.size() != labels.size()) {
            throw new Unusable("label names " + names + " do not match the student's " + labels);
        }
        float[] teacher = new float[labels.size()];
        boolean[] filled = new boolean[labels.size()];
        for (int i = 0; i < names.size(); i++) {
            int at = labels.indexOf(names.get(i).toString());
            if (at < 0 || filled[at]) {
                throw new Unusable("label names " + names + " do not match the student's " + labels);
            }
            float value = logits.get(i);
            if (!Float.isFinite(value)) {
                throw new Unusable("non-finite teacher logit " + value + " for " + names.get(i));
            }
            teacher[at] = value;
            filled[at] = true;
        }
        String text = labeled.getText() == null ? "" : labeled.getText().toString();
        if (text.isBlank()) {
            throw new Unusable("empty text");
        }
        int gold = -1;
        if (labeled.getGoldLabel() != null) {
            gold = labels.indexOf(labeled.getGoldLabel().toString());
            if (gold < 0) {
                throw new Unusable("gold label '" + labeled.getGoldLabel() + "' is not one of " + labels);
            }
        }
        long eventTime = labeled.getEventTime() == null ? 0 : labeled.getEventTime().toEpochMilli();
        return new Example(text, teacher, gold, eventTime, topic, partition, offset);
    }
}
