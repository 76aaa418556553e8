package io.distillery.student;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;

/**
 * Optimiser steps on one student: forward, {@link DistillationLoss}, backward, global-norm
 * gradient clipping, Adam. The learning-rate schedule is the caller's {@link Tracker} (fixed,
 * warm-up, ...). One session per student; not thread-safe (and PyTorch allows one gradient
 * collector per JVM at a time).
 */
public final class TrainingSession {

    private final Student student;
    private final DistillationLoss loss;
    private final Optimizer optimizer;
    private final float maxGradNorm;
    private long steps;
    private double lastGradNorm = Double.NaN;

    /**
     * @param maxGradNorm global L2 norm gradients are clipped to; {@code <= 0} disables clipping
     */
    public TrainingSession(Student student, DistillationLoss loss, Tracker learningRate, float maxGradNorm) {
        this.student = student;
        this.loss = loss;
        this.optimizer = Optimizer.adam().optLearningRateTracker(learningRate).build();
        this.maxGradNorm = maxGradNorm;
        // weights loaded from a checkpoint come without gradient buffers: training must resume, not no-op
        for (Pair<String, Parameter> pair : student.block().getParameters()) {
            NDArray array = pair.getValue().getArray();
            if (pair.getValue().requiresGradient() && !array.hasGradient()) {
                array.setRequiresGradient(true);
            }
        }
    }

    /**
     * One optimiser step.
     *
     * @param texts   the batch
     * @param teacher teacher logits per text, or null for gold-only training
     * @param gold    gold label index per text (−1 where absent), or null
     * @return the batch loss before the step
     */
    public float step(List<String> texts, float[][] teacher, int[] gold) {
        int classes = student.architecture().numClasses();
        try (NDManager scope = student.manager().newSubManager()) {
            TokenBatch batch = student.tokenizer().encode(texts, student.architecture().maxLength());
            NDArray teacherArray = teacher == null ? null : scope.create(flatten(teacher, classes), new Shape(texts.size(), classes));
            NDArray goldArray = null;
            if (gold != null) {
                long[] g = new long[gold.length];
                for (int i = 0; i < gold.length; i++) {
                    g[i] = gold[i];
                }
                goldArray = scope.create(g);
            }
            float value;
            try (GradientCollector collector = Engine.getEngine(Student.ENGINE).newGradientCollector()) {
                NDArray logits = student.forward(scope, batch, true);
                NDArray objective = loss.evaluate(logits, teacherArray, goldArray);
                collector.backward(objective);
                value = objective.getFloat();
            }
            try (NoGrad noGrad = NoGrad.enter()) {
                update(scope);
            }
            steps++;
            return value;
        }
    }

    private void update(NDManager scope) {
        List<Pair<Parameter, NDArray>> grads = new ArrayList<>();
        double squared = 0;
        for (Pair<String, Parameter> pair : student.block().getParameters()) {
            Parameter parameter = pair.getValue();
            if (!parameter.requiresGradient() || !parameter.getArray().hasGradient()) {
                continue;
            }
            NDArray grad = parameter.getArray().getGradient();
            grad.attach(scope);
            squared += grad.square().sum().getFloat();
            grads.add(new Pair<>(parameter, grad));
        }
        double norm = Math.sqrt(squared);
        if (!Double.isFinite(norm)) {
            // No update: the weights stay as they were. Gradients accumulate across backward passes,
            // so they are cleared too, or every later step would inherit this one's NaN.
            for (Pair<Parameter, NDArray> pair : grads) {
                NDArray grad = pair.getValue();
                grad.muli(0); // finite values become 0, NaN and infinities NaN...
                grad.set(grad.isNaN(), 0f); // ...and those 0 too
            }
            throw new IllegalStateException("gradient norm is " + norm + " at step " + steps + "; batch skipped, weights unchanged");
        }
        float scale = maxGradNorm > 0 && norm > maxGradNorm ? (float) (maxGradNorm / norm) : 1f;
        for (Pair<Parameter, NDArray> pair : grads) {
            NDArray grad = pair.getValue();
            if (scale != 1f) {
                grad.muli(scale);
            }
            optimizer.update(pair.getKey().getId(), pair.getKey().getArray(), grad);
            grad.muli(0);
        }
        lastGradNorm = norm;
    }

    /** Global gradient L2 norm of the last step, before clipping. */
    public double lastGradNorm() {
        return lastGradNorm;
    }

    public long steps() {
        return steps;
    }

    public Student student() {
        return student;
    }

    private static float[] flatten(float[][] rows, int classes) {
        float[] flat = new float[rows.length * classes];
        for (int b = 0; b < rows.length; b++) {
            if (rows[b].length != classes) {
                throw new IllegalArgumentException("teacher row " + b + " has " + rows[b].length + " logits, expected " + classes);
            }
            System.arraycopy(rows[b], 0, flat, b * classes, classes);
        }
        return flat;
    }
}
