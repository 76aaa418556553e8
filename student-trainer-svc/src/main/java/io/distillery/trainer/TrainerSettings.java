package io.distillery.trainer;

import io.distillery.student.DistillationLoss;

/**
 * Every constant of continual training (the service fills it from {@code distillery.trainer.*}).
 *
 * @param batchSize        fresh examples per optimiser step (replayed ones come on top)
 * @param schedule         learning rate: warm-up, then decay
 * @param maxGradNorm      global gradient norm clip; {@code <= 0} disables it
 * @param lossKind         MSE on logits (Tang) or T²·KL (Hinton)
 * @param temperature      T of the KL term
 * @param alpha            weight of the distillation term where a gold label exists: (1−α)·CE + α·KD
 * @param replayCapacity   examples the reservoir keeps (0: no replay)
 * @param replayFraction   share of each batch drawn from the reservoir, in [0, 1)
 * @param evalEvery        evaluate on the gold dev set every this many steps (0: never)
 * @param agreementWindow  recent examples over which teacher agreement is measured
 * @param seed             replay sampling and initial weights
 */
public record TrainerSettings(int batchSize, LearningRateSchedule schedule, float maxGradNorm,
                              DistillationLoss.Kind lossKind, float temperature, float alpha,
                              int replayCapacity, double replayFraction, int evalEvery, int agreementWindow, long seed) {

    public TrainerSettings {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, was " + batchSize);
        }
        if (!(replayFraction >= 0 && replayFraction < 1)) {
            throw new IllegalArgumentException("replay fraction must be in [0, 1), was " + replayFraction);
        }
        if (agreementWindow <= 0) {
            throw new IllegalArgumentException("agreement window must be positive, was " + agreementWindow);
        }
        new DistillationLoss(lossKind, temperature, alpha); // validates T and alpha
    }

    /** Defaults: batch 32, Adam at 1e-3 with 100 warm-up steps then 1/√step, clip 1, Tang's MSE, 20% replay of 10k. */
    public static TrainerSettings defaults() {
        return new TrainerSettings(32, new LearningRateSchedule(1e-3f, 100, LearningRateSchedule.Decay.INVERSE_SQRT, 0, 1e-5f, 0),
                1f, DistillationLoss.Kind.MSE, 2f, 1f, 10_000, 0.2, 100, 1_000, 0);
    }

    public DistillationLoss loss() {
        return new DistillationLoss(lossKind, temperature, alpha);
    }

    /** Replayed examples to add to {@code fresh} fresh ones so they are {@link #replayFraction} of the batch. */
    public int replayCount(int fresh) {
        return (int) Math.round(fresh * replayFraction / (1 - replayFraction));
    }

    public TrainerSettings withBatchSize(int value) {
        return new TrainerSettings(value, schedule, maxGradNorm, lossKind, temperature, alpha, replayCapacity, replayFraction,
                evalEvery, agreementWindow, seed);
    }

    public TrainerSettings withSchedule(LearningRateSchedule value) {
        return new TrainerSettings(batchSize, value, maxGradNorm, lossKind, temperature, alpha, replayCapacity, replayFraction,
                evalEvery, agreementWindow, seed);
    }

    public TrainerSettings withReplay(int capacity, double fraction) {
        return new TrainerSettings(batchSize, schedule, maxGradNorm, lossKind, temperature, alpha, capacity, fraction,
                evalEvery, agreementWindow, seed);
    }

    public TrainerSettings withEvalEvery(int value) {
        return new TrainerSettings(batchSize, schedule, maxGradNorm, lossKind, temperature, alpha, replayCapacity, replayFraction,
                value, agreementWindow, seed);
    }

    public TrainerSettings withLoss(DistillationLoss.Kind kind, float t, float a) {
        return new TrainerSettings(batchSize, schedule, maxGradNorm, kind, t, a, replayCapacity, replayFraction,
                evalEvery, agreementWindow, seed);
    }
}
