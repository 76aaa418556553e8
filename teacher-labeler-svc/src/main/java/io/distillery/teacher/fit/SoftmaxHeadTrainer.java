package io.distillery.teacher.fit;

import io.distillery.teacher.LinearHead;
import io.distillery.teacher.TeacherMetrics;
import java.util.List;

/**
 * Trains a {@link LinearHead} (multinomial logistic regression) on fixed feature vectors, in
 * plain Java: minimises mean cross-entropy + {@code lambda/2 · ||W||²} by full-batch Adam.
 *
 * <p>Features are standardised for training (otherwise one L2 strength does not suit every
 * dimension and Adam converges slowly), and the standardisation is folded into the returned
 * head, so the bundle applies it to the raw pooled vector with no extra step.
 */
public final class SoftmaxHeadTrainer {

    private final int iterations;
    private final double learningRate;

    /** A fit for one L2 strength, with its accuracy on the development set. */
    public record Fit(LinearHead head, double lambda, double devAccuracy, double devLoss) {
    }

    public SoftmaxHeadTrainer(int iterations, double learningRate) {
        this.iterations = iterations;
        this.learningRate = learningRate;
    }

    /** Defaults that converge on a few thousand 384-dimensional examples in about a second. */
    public static SoftmaxHeadTrainer defaults() {
        return new SoftmaxHeadTrainer(1500, 0.01);
    }

    /** Fits one head per L2 strength on the training set and keeps the best on DEV (accuracy, then loss). */
    public Fit fitSelected(float[][] trainX, int[] trainY, float[][] devX, int[] devY, int classes,
                           List<Double> lambdas) {
        Fit best = null;
        for (double lambda : lambdas) {
            LinearHead head = fit(trainX, trainY, classes, lambda);
            Fit candidate = new Fit(head, lambda, accuracy(head, devX, devY), meanLoss(head, devX, devY));
            if (best == null || candidate.devAccuracy() > best.devAccuracy()
                    || candidate.devAccuracy() == best.devAccuracy() && candidate.devLoss() < best.devLoss()) {
                best = candidate;
            }
        }
        return best;
    }

    /** Fits a head on {@code x} (one row per example) and labels {@code y} in {@code [0, classes)}. */
    public LinearHead fit(float[][] x, int[] y, int classes, double lambda) {
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        double[] std = new double[d];
        standardisation(x, mean, std);
        double[][] z = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                z[i][j] = (x[i][j] - mean[j]) / std[j];
            }
        }

        double[][] w = new double[classes][d];
        double[] b = new double[classes];
        Adam adamW = new Adam(classes * d);
        Adam adamB = new Adam(classes);
        double[] gradW = new double[classes * d];
        double[] gradB = new double[classes];
        double[] logits = new double[classes];
        for (int step = 1; step <= iterations; step++) {
            java.util.Arrays.fill(gradW, 0);
            java.util.Arrays.fill(gradB, 0);
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    double s = b[c];
                    for (int j = 0; j < d; j++) {
                        s += w[c][j] * z[i][j];
                    }
                    logits[c] = s;
                    max = Math.max(max, s);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    logits[c] = Math.exp(logits[c] - max);
                    sum += logits[c];
                }
                for (int c = 0; c < classes; c++) {
                    // d(CE)/d(logit_c) = p_c - [c == y]
                    double g = (logits[c] / sum - (c == y[i] ? 1 : 0)) / n;
                    gradB[c] += g;
                    int offset = c * d;
                    for (int j = 0; j < d; j++) {
                        gradW[offset + j] += g * z[i][j];
                    }
                }
            }
            for (int c = 0; c < classes; c++) {
                for (int j = 0; j < d; j++) {
                    gradW[c * d + j] += lambda * w[c][j];
                }
            }
            adamW.step(gradW, step, (index, delta) -> w[index / d][index % d] -= delta);
            adamB.step(gradB, step, (index, delta) -> b[index] -= delta);
        }
        return fold(w, b, mean, std);
    }

    /** logits = W·((x − μ)/σ) + b = (W/σ)·x + (b − Σ W·μ/σ): the same head on raw features. */
    private static LinearHead fold(double[][] w, double[] b, double[] mean, double[] std) {
        float[][] weights = new float[w.length][mean.length];
        float[] bias = new float[w.length];
        for (int c = 0; c < w.length; c++) {
            double shift = b[c];
            for (int j = 0; j < mean.length; j++) {
                weights[c][j] = (float) (w[c][j] / std[j]);
                shift -= w[c][j] * mean[j] / std[j];
            }
            bias[c] = (float) shift;
        }
        return new LinearHead(weights, bias);
    }

    private static void standardisation(float[][] x, double[] mean, double[] std) {
        for (float[] row : x) {
            for (int j = 0; j < mean.length; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < mean.length; j++) {
            mean[j] /= x.length;
        }
        for (float[] row : x) {
            for (int j = 0; j < std.length; j++) {
                std[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
            }
        }
        for (int j = 0; j < std.length; j++) {
            // A constant feature would divide by zero; it carries nothing, so scale it by 1.
            std[j] = Math.sqrt(std[j] / x.length);
            if (std[j] < 1e-8) {
                std[j] = 1;
            }
        }
    }

    /** Fraction of rows whose largest logit is the gold label. */
    public static double accuracy(LinearHead head, float[][] x, int[] y) {
        int right = 0;
        for (int i = 0; i < x.length; i++) {
            if (TeacherMetrics.argmax(head.apply(x[i])) == y[i]) {
                right++;
            }
        }
        return (double) right / x.length;
    }

    /** Mean cross-entropy of the head on a labelled set. */
    public static double meanLoss(LinearHead head, float[][] x, int[] y) {
        double loss = 0;
        for (int i = 0; i < x.length; i++) {
            loss -= Math.log(Math.max(TeacherMetrics.softmax(head.apply(x[i]), 1.0)[y[i]], 1e-12));
        }
        return loss / x.length;
    }

    /** Adam's moment estimates for one parameter vector. */
    private final class Adam {
        private static final double BETA1 = 0.9;
        private static final double BETA2 = 0.999;
        private static final double EPSILON = 1e-8;
        private final double[] m;
        private final double[] v;

        Adam(int size) {
            m = new double[size];
            v = new double[size];
        }

        void step(double[] grad, int t, Update update) {
            double correction1 = 1 - Math.pow(BETA1, t);
            double correction2 = 1 - Math.pow(BETA2, t);
            for (int i = 0; i < grad.length; i++) {
                m[i] = BETA1 * m[i] + (1 - BETA1) * grad[i];
                v[i] = BETA2 * v[i] + (1 - BETA2) * grad[i] * grad[i];
                update.apply(i, learningRate * (m[i] / correction1) / (Math.sqrt(v[i] / correction2) + EPSILON));
            }
        }
    }

    @FunctionalInterface
    private interface Update {
        void apply(int index, double delta);
    }
}
