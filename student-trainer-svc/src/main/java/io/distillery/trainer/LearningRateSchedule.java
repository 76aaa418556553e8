package io.distillery.trainer;

import ai.djl.training.tracker.Tracker;
import java.util.Locale;

/**
 * Linear warm-up to the peak learning rate, then decay. Continual training has no last step, so
 * the default decay is inverse square root (Vaswani et al.), which never reaches zero; linear and
 * cosine decay to {@code minLearningRate} over {@code decaySteps} and stay there.
 *
 * <p>Steps count from 1. {@code offset} is the number of steps the lineage took before this
 * process (a resumed trainer continues the schedule instead of starting it again), since DJL's
 * Adam counts its own updates from 1.
 */
public final class LearningRateSchedule implements Tracker {

    /** What happens after the warm-up. */
    public enum Decay { CONSTANT, INVERSE_SQRT, LINEAR, COSINE }

    private final float peak;
    private final long warmupSteps;
    private final Decay decay;
    private final long decaySteps;
    private final float minLearningRate;
    private final long offset;

    public LearningRateSchedule(float peak, long warmupSteps, Decay decay, long decaySteps, float minLearningRate, long offset) {
        if (!(peak > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, was " + peak);
        }
        if (warmupSteps < 0 || decaySteps < 0 || offset < 0) {
            throw new IllegalArgumentException("warm-up, decay steps and offset must be >= 0");
        }
        if ((decay == Decay.LINEAR || decay == Decay.COSINE) && decaySteps == 0) {
            throw new IllegalArgumentException(decay + " decay needs decay-steps > 0");
        }
        if (!(minLearningRate >= 0 && minLearningRate <= peak)) {
            throw new IllegalArgumentException("min learning rate must be in [0, peak], was " + minLearningRate);
        }
        this.peak = peak;
        this.warmupSteps = warmupSteps;
        this.decay = decay;
        this.decaySteps = decaySteps;
        this.minLearningRate = minLearningRate;
        this.offset = offset;
    }

    /** The same schedule continuing after {@code steps} earlier steps. */
    public LearningRateSchedule continuingAfter(long steps) {
        return new LearningRateSchedule(peak, warmupSteps, decay, decaySteps, minLearningRate, steps);
    }

    /** The learning rate of lineage step {@code step} (1-based). */
    public float at(long step) {
        long s = Math.max(1, step);
        if (s <= warmupSteps) {
            return peak * s / warmupSteps;
        }
        long after = s - warmupSteps; // 1.. after the warm-up
        return switch (decay) {
            case CONSTANT -> peak;
            case INVERSE_SQRT -> {
                double w = Math.max(1, warmupSteps);
                yield Math.max(minLearningRate, (float) (peak * Math.sqrt(w / Math.max(w, s))));
            }
            case LINEAR -> after >= decaySteps ? minLearningRate
                    : peak - (peak - minLearningRate) * after / (float) decaySteps;
            case COSINE -> after >= decaySteps ? minLearningRate
                    : (float) (minLearningRate + (peak - minLearningRate) * 0.5 * (1 + Math.cos(Math.PI * after / decaySteps)));
        };
    }

    @Override
    public float getNewValue(int numUpdate) {
        return at(offset + numUpdate);
    }

    public float peak() {
        return peak;
    }

    public long offset() {
        return offset;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "lr %.2e, warm-up %d, %s decay (%d steps, min %.2e)", peak, warmupSteps, decay,
                decaySteps, minLearningRate);
    }
}
