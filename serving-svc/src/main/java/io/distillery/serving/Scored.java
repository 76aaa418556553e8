package io.distillery.serving;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One student answer: the arg-max label, its probability, and the probability of every label. */
public record Scored(String label, double confidence, Map<String, Double> probabilities) {

    public static Scored of(List<String> labels, float[] probabilities) {
        if (labels.size() != probabilities.length) {
            throw new IllegalArgumentException(probabilities.length + " probabilities for labels " + labels);
        }
        Map<String, Double> byLabel = new LinkedHashMap<>();
        int best = 0;
        for (int i = 0; i < probabilities.length; i++) {
            byLabel.put(labels.get(i), (double) probabilities[i]);
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return new Scored(labels.get(best), probabilities[best], byLabel);
    }
}
