package io.distillery.serving;

import java.util.Map;

/**
 * What serving found out about a checkpoint: its metrics (our own dev-set accuracy, and what the
 * trainer measured, prefixed {@code trainer_}), or why it was refused (then it is never served).
 */
public record Evaluation(String checkpointId, String lineage, Map<String, Double> metrics, String refusal) {

    /** Accuracy on the gold dev set, measured by serving: what promotion compares. */
    public static final String DEV_ACCURACY = "dev_accuracy";
    /** Dev-set sentences it was measured on. */
    public static final String DEV_EXAMPLES = "dev_examples";
    /** Prefix of the metrics the trainer published with the checkpoint (e.g. trainer_teacher_agreement). */
    public static final String TRAINER_PREFIX = "trainer_";

    public Evaluation {
        metrics = Map.copyOf(metrics);
    }

    public static Evaluation valid(String checkpointId, String lineage, Map<String, Double> metrics) {
        return new Evaluation(checkpointId, lineage, metrics, null);
    }

    public static Evaluation refused(String checkpointId, String lineage, String reason) {
        return new Evaluation(checkpointId, lineage, Map.of(), reason);
    }

    public boolean isRefused() {
        return refusal != null;
    }

    public double devAccuracy() {
        return metrics.getOrDefault(DEV_ACCURACY, Double.NaN);
    }
}
