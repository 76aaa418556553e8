package io.distillery.topics;

import io.distillery.schemas.AugmentationOperation;
import io.distillery.schemas.AugmentedText;
import io.distillery.schemas.EscalatedText;
import io.distillery.schemas.LabelOrigin;
import io.distillery.schemas.LabeledText;
import io.distillery.schemas.PartitionOffset;
import io.distillery.schemas.Prediction;
import io.distillery.schemas.PredictionRoute;
import io.distillery.schemas.RawText;
import io.distillery.schemas.RolloutAction;
import io.distillery.schemas.RolloutCommand;
import io.distillery.schemas.RolloutEvent;
import io.distillery.schemas.RolloutEventKind;
import io.distillery.schemas.RolloutState;
import io.distillery.schemas.StudentArchitecture;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.schemas.StudentKind;
import io.distillery.schemas.TokenizerReference;
import io.distillery.schemas.TrainingPosition;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** One realistic record for every topic of the catalogue, every optional field filled. */
final class SampleRecords {

    private static final Instant T = Instant.parse("2026-11-21T12:00:00Z");

    private SampleRecords() {
    }

    static Map<Topic<?>, Object> oneOfEach() {
        return Map.of(
                Topics.TEXT_RAW, raw(),
                Topics.TEXT_AUGMENTED, AugmentedText.newBuilder().setId("t-1#3").setParentId("t-1").setVariant(3)
                        .setText("the [MASK] was great !").setOperations(List.of(AugmentationOperation.MASK,
                                AugmentationOperation.NGRAM_SAMPLE))
                        .setSource("uci").setEventTime(T).setGoldLabel(null).build(),
                Topics.TEXT_LABELED, LabeledText.newBuilder().setId("t-1#3").setParentId("t-1").setText("the food was great")
                        .setLogits(List.of(-1.25f, 2.5f)).setLabelNames(List.of("negative", "positive"))
                        .setTeacherId("minilm-l6-sentiment").setTeacherVersion("sha256:0123abcd").setTemperature(2.0f)
                        .setOrigin(LabelOrigin.ESCALATED).setSource("uci").setEventTime(T).setLabeledAt(T.plusSeconds(2))
                        .setGoldLabel("positive").build(),
                Topics.TEXT_ESCALATED, EscalatedText.newBuilder().setId("t-2").setText("meh, not sure").setSource("twitter")
                        .setEventTime(T).setStudentCheckpointId("bilstm-100-abc").setStudentConfidence(0.51)
                        .setReceivedAt(T.plusMillis(5)).setEscalatedAt(T.plusMillis(7)).build(),
                Topics.TEXT_PREDICTIONS, Prediction.newBuilder().setId("t-2").setText("meh, not sure").setLabel("negative")
                        .setProbabilities(Map.of("negative", 0.55, "positive", 0.45)).setConfidence(0.55)
                        .setCheckpointId("bilstm-100-abc").setRoute(PredictionRoute.TEACHER).setTeacherId("minilm-l6-sentiment")
                        .setLatencyMs(12.5).setEventTime(T).setPredictedAt(T.plusMillis(20)).build(),
                Topics.STUDENT_CHECKPOINTS, checkpoint(64 * 1024),
                Topics.STUDENT_ROLLOUTS, RolloutCommand.newBuilder().setId("cmd-1").setLineage("bilstm-sentiment")
                        .setAction(RolloutAction.CANARY).setCheckpointId("bilstm-100-abc").setCanaryFraction(0.1)
                        .setRequestedBy("alice").setReason("try the new one on 10%").setRequestedAt(T).build(),
                Topics.STUDENT_ROLLOUT_EVENTS, RolloutEvent.newBuilder().setId("ev-1").setLineage("bilstm-sentiment")
                        .setKind(RolloutEventKind.CANARY_STARTED).setCheckpointId("bilstm-100-abc").setCommandId("cmd-1")
                        .setDecidedBy("alice").setReason("try the new one on 10%").setMetrics(Map.of("dev_accuracy", 0.86))
                        .setState(RolloutState.newBuilder().setLiveCheckpointId("bilstm-50-def")
                                .setPreviousLiveIds(List.of("bilstm-10-aaa")).setCanaryCheckpointId("bilstm-100-abc")
                                .setCanaryFraction(0.1).setShadowCheckpointId(null).setPinned(false).build())
                        .setAt(T).build());
    }

    static RawText raw() {
        return RawText.newBuilder().setId("t-1").setText("The food was great!! 😀 @bob http://x.io").setSource("uci")
                .setEventTime(T.truncatedTo(ChronoUnit.MILLIS)).setGoldLabel("positive")
                .setMetadata(Map.of("lang", "en")).build();
    }

    /** A checkpoint whose weights are {@code weightBytes} random bytes. */
    static StudentCheckpoint checkpoint(int weightBytes) {
        byte[] weights = new byte[weightBytes];
        new Random(42).nextBytes(weights);
        return StudentCheckpoint.newBuilder().setId("bilstm-100-abc").setLineage("bilstm-sentiment").setParentId("bilstm-50-def")
                .setFormatVersion(1)
                .setArchitecture(StudentArchitecture.newBuilder().setKind(StudentKind.BILSTM)
                        .setHyperparameters(Map.of("hidden", "300", "dropout", "0.15")).build())
                .setTokenizer(TokenizerReference.newBuilder().setName("minilm-l6").setSha256("ab".repeat(32)).build())
                .setLabelNames(List.of("negative", "positive"))
                .setWeights(ByteBuffer.wrap(weights)).setWeightsSha256("cd".repeat(32))
                .setTrainingPosition(TrainingPosition.newBuilder().setSteps(100).setExamples(6400)
                        .setOffsets(List.of(PartitionOffset.newBuilder().setTopic("text.labeled").setPartition(0).setOffset(1234).build()))
                        .setMaxEventTime(T).build())
                .setMetrics(Map.of("dev_accuracy", 0.86, "teacher_agreement", 0.91)).setCreatedAt(T).build();
    }
}
