package io.distillery.teacher.service;

import ai.djl.inference.Predictor;
import io.distillery.teacher.Teacher;
import java.util.List;

/** A loaded teacher as a {@link Labeler}: one predictor, used by the loop's inference thread only. */
public final class TeacherLabeler implements Labeler, AutoCloseable {

    private final Predictor<String, float[]> predictor;

    public TeacherLabeler(Teacher teacher) {
        this.predictor = teacher.newPredictor();
    }

    @Override
    public List<float[]> label(List<String> texts) throws Exception {
        return predictor.batchPredict(texts);
    }

    @Override
    public void close() {
        predictor.close();
    }
}
