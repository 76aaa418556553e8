package io.distillery.trainer;

import io.distillery.datasets.LabelledSentence;
import java.util.List;

/** A gold development set: texts and their label indices in the student's label order. */
public record DevSet(List<String> texts, int[] gold) {

    public static DevSet of(List<LabelledSentence> sentences, List<String> labels) {
        List<LabelledSentence> known = sentences.stream().filter(s -> labels.contains(s.label())).toList();
        return new DevSet(known.stream().map(LabelledSentence::text).toList(),
                known.stream().mapToInt(s -> labels.indexOf(s.label())).toArray());
    }

    public static DevSet none() {
        return new DevSet(List.of(), new int[0]);
    }

    public boolean isEmpty() {
        return texts.isEmpty();
    }
}
