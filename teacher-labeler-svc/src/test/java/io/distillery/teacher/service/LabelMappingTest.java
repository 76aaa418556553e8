package io.distillery.teacher.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.distillery.schemas.AugmentationOperation;
import io.distillery.schemas.AugmentedText;
import io.distillery.schemas.EscalatedText;
import io.distillery.schemas.LabelOrigin;
import io.distillery.schemas.LabeledText;
import io.distillery.schemas.Prediction;
import io.distillery.schemas.PredictionRoute;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LabelMappingTest {

    private static final TeacherIdentity TEACHER = new TeacherIdentity("uci-e5", "sha256:" + "ab".repeat(32),
            List.of("negative", "positive"), 2.0);
    private static final Instant EVENT = Instant.parse("2026-11-21T10:00:00Z");
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:01.250Z");

    @Test
    void anAugmentedVariantCarriesLogitsTeacherAndProvenance() {
        AugmentedText in = AugmentedText.newBuilder().setId("r1#0").setParentId("r1").setVariant(0)
                .setText("the pasta was great").setOperations(List.of(AugmentationOperation.ORIGINAL))
                .setSource("yelp").setEventTime(EVENT).setGoldLabel("positive").build();
        LabeledText out = LabelMapping.labeled(in, new float[] {-1.5f, 2.25f}, TEACHER, NOW);
        assertEquals("r1#0", out.getId());
        assertEquals("r1", out.getParentId());
        assertEquals("the pasta was great", out.getText());
        assertEquals(List.of(-1.5f, 2.25f), out.getLogits());
        assertEquals(List.of("negative", "positive"), out.getLabelNames());
        assertEquals("uci-e5", out.getTeacherId());
        assertEquals(TEACHER.version(), out.getTeacherVersion());
        assertEquals(2.0f, out.getTemperature());
        assertEquals(LabelOrigin.AUGMENTED, out.getOrigin());
        assertEquals("positive", out.getGoldLabel());
        assertEquals("yelp", out.getSource());
        assertEquals(EVENT, out.getEventTime());
        assertEquals(NOW, out.getLabeledAt());
    }

    @Test
    void anEscalatedTextIsLabelledAsEscalatedAndAnsweredOnRouteTeacher() {
        EscalatedText in = EscalatedText.newBuilder().setId("raw-9").setText("meh, not sure").setSource("tweets")
                .setEventTime(EVENT).setStudentCheckpointId("ckpt-3").setStudentConfidence(0.55)
                .setReceivedAt(Instant.parse("2026-11-21T10:00:01Z")).setEscalatedAt(Instant.parse("2026-11-21T10:00:01.010Z"))
                .build();
        float[] logits = {0f, (float) Math.log(3)};
        LabeledText labeled = LabelMapping.labeled(in, logits, TEACHER, NOW);
        assertEquals("raw-9", labeled.getId());
        assertEquals("raw-9", labeled.getParentId());
        assertEquals(LabelOrigin.ESCALATED, labeled.getOrigin());
        assertNull(labeled.getGoldLabel());

        Prediction prediction = LabelMapping.prediction(in, logits, TEACHER, NOW);
        assertEquals("raw-9", prediction.getId());
        assertEquals("positive", prediction.getLabel());
        assertEquals(PredictionRoute.TEACHER, prediction.getRoute());
        assertEquals("uci-e5", prediction.getTeacherId());
        assertEquals("ckpt-3", prediction.getCheckpointId());
        assertEquals(0.75, prediction.getConfidence(), 1e-6, "softmax at T=1: an answer, not a soft target");
        assertEquals(0.25, prediction.getProbabilities().get("negative"), 1e-6);
        assertEquals(250.0, prediction.getLatencyMs(), 1e-6, "from when serving received it");
        assertEquals(EVENT, prediction.getEventTime());
    }

    @Test
    void theTemperatureOverrideWinsAndALogitCountMismatchIsRefused() {
        io.distillery.teacher.TeacherManifest manifest = new io.distillery.teacher.TeacherManifest("t", TEACHER.version(),
                io.distillery.teacher.TeacherEngine.ONNX, "model.onnx", "tokenizer.json", List.of("a", "b"), 128,
                io.distillery.teacher.Pooling.MEAN, Optional.of("head.bin"), 2.0, List.of("input_ids"));
        assertEquals(2.0, TeacherIdentity.of(manifest, Optional.empty()).temperature());
        assertEquals(4.0, TeacherIdentity.of(manifest, Optional.of(4.0)).temperature());
        AugmentedText in = AugmentedText.newBuilder().setId("x#1").setParentId("x").setVariant(1).setText("x")
                .setOperations(List.of(AugmentationOperation.MASK)).setSource("s").setEventTime(EVENT).build();
        assertThrows(IllegalArgumentException.class, () -> LabelMapping.labeled(in, new float[] {1f}, TEACHER, NOW));
    }
}
