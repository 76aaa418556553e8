package io.distillery.student;

/**
 * {@link DistillationLoss} in plain Java, one example at a time: the reference the DJL version is
 * tested against, and cheap enough for evaluation metrics.
 */
public final class ReferenceLosses {

    private ReferenceLosses() {
    }

    public static double mse(float[] student, float[] teacher) {
        double sum = 0;
        for (int c = 0; c < student.length; c++) {
            double d = student[c] - teacher[c];
            sum += d * d;
        }
        return sum / student.length;
    }

    public static double kl(float[] student, float[] teacher, double temperature) {
        double[] logQ = logSoftmax(student, temperature);
        double[] logP = logSoftmax(teacher, temperature);
        double sum = 0;
        for (int c = 0; c < student.length; c++) {
            sum += Math.exp(logP[c]) * (logP[c] - logQ[c]);
        }
        return temperature * temperature * sum;
    }

    public static double crossEntropy(float[] student, int gold) {
        return -logSoftmax(student, 1)[gold];
    }

    /** One example's loss; {@code teacher} may be null (then gold must be ≥ 0), {@code gold} −1 when absent. */
    public static double example(DistillationLoss.Kind kind, double temperature, double alpha,
                                 float[] student, float[] teacher, int gold) {
        if (teacher == null) {
            return crossEntropy(student, gold);
        }
        double kd = kind == DistillationLoss.Kind.MSE ? mse(student, teacher) : kl(student, teacher, temperature);
        return gold < 0 ? kd : (1 - alpha) * crossEntropy(student, gold) + alpha * kd;
    }

    public static double[] logSoftmax(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v / temperature);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v / temperature - max);
        }
        double log = Math.log(sum) + max;
        double[] out = new double[logits.length];
        for (int c = 0; c < logits.length; c++) {
            out[c] = logits[c] / temperature - log;
        }
        return out;
    }

    public static double[] softmax(float[] logits, double temperature) {
        double[] out = logSoftmax(logits, temperature);
        for (int c = 0; c < out.length; c++) {
            out[c] = Math.exp(out[c]);
        }
        return out;
    }
}
