package io.distillery.trainer;

import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import java.util.ArrayList;
import java.util.List;

/** UCI sentences as a teacher would label them: logits ±margin from the gold label. */
public final class Synthetic {

    private Synthetic() {
    }

    public static float[] logits(String label, float margin) {
        return label.equals("positive") ? new float[] {-margin, margin} : new float[] {margin, -margin};
    }

    /** Train-split examples at consecutive offsets of one partition. */
    public static List<Example> examples(int count, String topic, int partition, long firstOffset) {
        List<LabelledSentence> train = UciSentiment.split(Split.TRAIN);
        List<Example> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            LabelledSentence s = train.get(i % train.size());
            out.add(new Example(s.text(), logits(s.label(), 3f), i % 3 == 0 ? UciSentiment.LABELS.indexOf(s.label()) : -1,
                    1_700_000_000_000L + i, topic, partition, firstOffset + i));
        }
        return out;
    }
}
