package io.distillery.quality;

import java.util.ArrayList;
import java.util.List;

/**
 * What a student trains on: texts with teacher logits (distillation) or gold label indices (the
 * baseline), never both. Immutable.
 */
record TrainingSet(String name, List<String> texts, float[][] teacher, int[] gold) {

    TrainingSet {
        texts = List.copyOf(texts);
        if ((teacher == null) == (gold == null)) {
            throw new IllegalArgumentException(name + ": exactly one of teacher logits and gold labels");
        }
        int rows = teacher != null ? teacher.length : gold.length;
        if (rows != texts.size()) {
            throw new IllegalArgumentException(name + ": " + rows + " targets for " + texts.size() + " texts");
        }
    }

    static TrainingSet gold(String name, List<String> texts, int[] gold) {
        return new TrainingSet(name, texts, null, gold);
    }

    static TrainingSet distilled(String name, List<String> texts, float[][] teacher) {
        return new TrainingSet(name, texts, teacher, null);
    }

    int size() {
        return texts.size();
    }

    /** This set followed by {@code more} (both distilled). */
    TrainingSet plus(String newName, List<String> moreTexts, float[][] moreTeacher) {
        if (teacher == null) {
            throw new IllegalStateException("only distilled sets grow");
        }
        List<String> allTexts = new ArrayList<>(texts);
        allTexts.addAll(moreTexts);
        float[][] all = new float[teacher.length + moreTeacher.length][];
        System.arraycopy(teacher, 0, all, 0, teacher.length);
        System.arraycopy(moreTeacher, 0, all, teacher.length, moreTeacher.length);
        return new TrainingSet(newName, allTexts, all, null);
    }
}
