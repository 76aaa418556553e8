package io.distillery.quality;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import io.distillery.teacher.Teacher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The teacher's raw logits for a list of texts, through its DJL predictor in batches of texts of
 * similar length (sorted, so padding stays small, as the labelling service does), returned in the
 * input order, and cached in a {@link LogitCache} keyed by bundle version and texts.
 */
final class TeacherLabels {

    private final Teacher teacher;
    private final LogitCache cache;
    private final int batchSize;

    TeacherLabels(Teacher teacher, LogitCache cache, int batchSize) {
        this.teacher = teacher;
        this.cache = cache;
        this.batchSize = batchSize;
    }

    /**
     * Logits per text; from the cache when present, else computed (with progress on stderr) and
     * cached. An empty set (an option turned off) costs nothing and leaves no cache file.
     */
    float[][] logits(String name, List<String> texts) throws IOException, TranslateException {
        if (texts.isEmpty()) {
            return new float[0][];
        }
        String key = LogitCache.key(teacher.manifest().version(), texts);
        var cached = cache.get(name, key, texts.size());
        if (cached.isPresent()) {
            Progress.log("teacher logits for %s (%,d texts) from cache %s", name, texts.size(), cache.file(name, key));
            return cached.get();
        }
        Progress.log("teacher labelling %s: %,d texts in batches of %d (cached afterwards in %s)", name, texts.size(),
                batchSize, cache.file(name, key));
        float[][] logits = compute(texts, name);
        cache.put(name, key, logits);
        return logits;
    }

    private float[][] compute(List<String> texts, String name) throws TranslateException {
        Integer[] order = IntStream.range(0, texts.size()).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> texts.get(i).length()));
        float[][] logits = new float[texts.size()][];
        long started = System.nanoTime();
        long lastReport = started;
        try (Predictor<String, float[]> predictor = teacher.newPredictor()) {
            for (int from = 0; from < order.length; from += batchSize) {
                int to = Math.min(order.length, from + batchSize);
                List<String> batch = new ArrayList<>(to - from);
                for (int k = from; k < to; k++) {
                    batch.add(texts.get(order[k]));
                }
                List<float[]> out = predictor.batchPredict(batch);
                for (int k = from; k < to; k++) {
                    logits[order[k]] = out.get(k - from);
                }
                long now = System.nanoTime();
                if (now - lastReport > 30e9 || to == order.length) {
                    double seconds = (now - started) / 1e9;
                    Progress.log(String.format(Locale.ROOT, "  %s: %,d/%,d labelled, %.0f texts/s, %.0f s", name, to,
                            order.length, to / seconds, seconds));
                    lastReport = now;
                }
            }
        }
        return logits;
    }
}
