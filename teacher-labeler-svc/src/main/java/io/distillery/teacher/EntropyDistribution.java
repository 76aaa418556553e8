package io.distillery.teacher;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The spread of a teacher's per-example entropy over a set of texts at one temperature, to
 * record beside a bundle and watch as a metric: a distribution crowded at 0 means the soft
 * targets say little more than hard labels (raise the temperature).
 *
 * @param temperature the temperature the entropies were taken at
 * @param count       how many examples
 * @param mean        mean entropy, nats
 * @param p10         10th percentile
 * @param p50         median
 * @param p90         90th percentile
 * @param max         largest entropy seen; ln(classes) is the ceiling
 */
public record EntropyDistribution(double temperature, int count, double mean, double p10, double p50, double p90,
                                  double max) {

    public static EntropyDistribution of(List<float[]> logits, double temperature) {
        if (logits.isEmpty()) {
            throw new IllegalArgumentException("no logits to summarise");
        }
        double[] entropies = logits.stream().mapToDouble(l -> TeacherMetrics.entropy(l, temperature)).sorted().toArray();
        return new EntropyDistribution(temperature, entropies.length, Arrays.stream(entropies).average().orElseThrow(),
                percentile(entropies, 0.10), percentile(entropies, 0.50), percentile(entropies, 0.90),
                entropies[entropies.length - 1]);
    }

    /** Nearest-rank percentile of sorted values. */
    private static double percentile(double[] sorted, double fraction) {
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** One JSON object, for reports. */
    public String toJson() {
        return String.format(Locale.ROOT,
                "{\"temperature\":%.3f,\"count\":%d,\"mean\":%.4f,\"p10\":%.4f,\"p50\":%.4f,\"p90\":%.4f,\"max\":%.4f}",
                temperature, count, mean, p10, p50, p90, max);
    }
}
