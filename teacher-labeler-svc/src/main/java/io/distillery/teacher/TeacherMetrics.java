package io.distillery.teacher;

/**
 * How sure the teacher is, from its raw logits at a temperature. Seed 000 warns that an
 * over-confident teacher carries little more than hard labels: these numbers show it.
 * Pure functions; computed in double precision and stable for large logits.
 */
public final class TeacherMetrics {

    private TeacherMetrics() {
    }

    /** {@code softmax(logits / temperature)}. */
    public static double[] softmax(float[] logits, double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        }
        if (logits.length == 0) {
            throw new IllegalArgumentException("no logits");
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit / temperature);
        }
        double[] probabilities = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            // Subtracting the largest scaled logit keeps exp() from overflowing.
            probabilities[i] = Math.exp(logits[i] / temperature - max);
            sum += probabilities[i];
        }
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] /= sum;
        }
        return probabilities;
    }

    /** Shannon entropy in nats of {@code softmax(logits / temperature)}: 0 when certain, ln(classes) at most. */
    public static double entropy(float[] logits, double temperature) {
        double entropy = 0;
        for (double p : softmax(logits, temperature)) {
            if (p > 0) {
                entropy -= p * Math.log(p);
            }
        }
        return entropy;
    }

    /** The largest probability of {@code softmax(logits / temperature)}. */
    public static double confidence(float[] logits, double temperature) {
        double best = 0;
        for (double p : softmax(logits, temperature)) {
            best = Math.max(best, p);
        }
        return best;
    }

    /** The index of the largest logit (the predicted class; independent of temperature). */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
