package io.distillery.teacher.service;

import io.distillery.schemas.AugmentedText;
import io.distillery.schemas.EscalatedText;
import io.distillery.schemas.LabelOrigin;
import io.distillery.schemas.LabeledText;
import io.distillery.schemas.Prediction;
import io.distillery.schemas.PredictionRoute;
import io.distillery.teacher.TeacherMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pure mapping from what the teacher read and its logits to the records it publishes. */
public final class LabelMapping {

    private LabelMapping() {
    }

    /** An augmented variant, labelled: the gold label travels along (the original variant has one). */
    public static LabeledText labeled(AugmentedText in, float[] logits, TeacherIdentity teacher, Instant labeledAt) {
        return base(in.getId(), in.getParentId(), in.getText(), logits, teacher, labeledAt)
                .setOrigin(LabelOrigin.AUGMENTED)
                .setSource(in.getSource())
                .setEventTime(in.getEventTime())
                .setGoldLabel(in.getGoldLabel())
                .build();
    }

    /** An escalated raw text, labelled: its own id is both id and parent id; there is no gold label. */
    public static LabeledText labeled(EscalatedText in, float[] logits, TeacherIdentity teacher, Instant labeledAt) {
        return base(in.getId(), in.getId(), in.getText(), logits, teacher, labeledAt)
                .setOrigin(LabelOrigin.ESCALATED)
                .setSource(in.getSource())
                .setEventTime(in.getEventTime())
                .setGoldLabel(null)
                .build();
    }

    /**
     * The teacher's answer to an escalated text, for {@code text.predictions}: probabilities at
     * temperature 1 (an answer, not a distillation target), route TEACHER, latency from when
     * serving received the text.
     */
    public static Prediction prediction(EscalatedText in, float[] logits, TeacherIdentity teacher, Instant predictedAt) {
        double[] probabilities = TeacherMetrics.softmax(logits, 1.0);
        Map<String, Double> byLabel = new LinkedHashMap<>();
        for (int i = 0; i < probabilities.length; i++) {
            byLabel.put(teacher.labels().get(i), probabilities[i]);
        }
        int best = TeacherMetrics.argmax(logits);
        double latencyMs = Math.max(0, Duration.between(in.getReceivedAt(), predictedAt).toNanos() / 1e6);
        return Prediction.newBuilder()
                .setId(in.getId())
                .setText(in.getText())
                .setLabel(teacher.labels().get(best))
                .setProbabilities(byLabel)
                .setConfidence(probabilities[best])
                .setCheckpointId(in.getStudentCheckpointId())
                .setRoute(PredictionRoute.TEACHER)
                .setTeacherId(teacher.id())
                .setLatencyMs(latencyMs)
                .setEventTime(in.getEventTime())
                .setPredictedAt(predictedAt)
                .build();
    }

    private static LabeledText.Builder base(String id, String parentId, String text, float[] logits,
                                            TeacherIdentity teacher, Instant labeledAt) {
        if (logits.length != teacher.labels().size()) {
            throw new IllegalArgumentException("the teacher gave " + logits.length + " logits for "
                    + teacher.labels().size() + " labels " + teacher.labels());
        }
        List<Float> values = new ArrayList<>(logits.length);
        for (float logit : logits) {
            values.add(logit);
        }
        return LabeledText.newBuilder()
                .setId(id)
                .setParentId(parentId)
                .setText(text)
                .setLogits(values)
                .setLabelNames(teacher.labels())
                .setTeacherId(teacher.id())
                .setTeacherVersion(teacher.version())
                .setTemperature((float) teacher.temperature())
                .setLabeledAt(labeledAt);
    }
}
