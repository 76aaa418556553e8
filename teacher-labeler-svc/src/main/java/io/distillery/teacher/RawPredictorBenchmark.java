package io.distillery.teacher;

import ai.djl.inference.Predictor;
import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.UciSentiment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of the bare DJL predictor of a bundle (no micro-batching, no Kafka): the ceiling the
 * service's batching is measured against. Prints one JSON line per batch size. Sentences are the
 * 3,000 UCI ones in a fixed shuffled order, unsorted, so every batch is ragged as in production.
 *
 * <pre>
 * RawPredictorBenchmark --bundle DIR [--batch-sizes 1,8,32,64] [--sentences 512] [--device auto|cpu|gpu] [--threads N]
 * [--spin true|false]
 * </pre>
 */
public final class RawPredictorBenchmark {

    private static final double MIN_SECONDS = 3.0;

    private RawPredictorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path bundle = null;
        int[] batchSizes = {1, 8, 32, 64};
        int minSentences = 512;
        DeviceChoice device = DeviceChoice.AUTO;
        int threads = 0;
        boolean spin = false;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--bundle" -> bundle = Path.of(args[i + 1]);
                case "--batch-sizes" -> batchSizes = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--sentences" -> minSentences = Integer.parseInt(args[i + 1]);
                case "--device" -> device = DeviceChoice.parse(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--spin" -> spin = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (bundle == null) {
            System.err.println("usage: RawPredictorBenchmark --bundle DIR [--batch-sizes 1,8,32,64] [--sentences 512]"
                    + " [--device auto|cpu|gpu] [--threads N] [--spin true|false]");
            System.exit(2);
        }
        for (Result result : run(bundle, batchSizes, minSentences, device, new CpuThreads(threads, spin))) {
            System.out.println(result.json());
        }
    }

    /** One batch size's throughput, and the JSON line that reports it. */
    public record Result(int batchSize, double sentencesPerSecond, String json) {
    }

    /** Measures each batch size in turn, on one predictor using the CPU as {@code threads} says. */
    public static List<Result> run(Path bundle, int[] batchSizes, int minSentences, DeviceChoice device, CpuThreads threads)
            throws Exception {
        // Shuffled with a fixed seed: the file lists short Amazon sentences first, longer IMDB ones later.
        List<String> texts = new ArrayList<>(UciSentiment.all().stream().map(LabelledSentence::text).toList());
        java.util.Collections.shuffle(texts, new java.util.Random(42));
        List<Result> results = new ArrayList<>();
        try (Teacher teacher = Teacher.load(bundle, device, threads);
             Predictor<String, float[]> predictor = teacher.newPredictor()) {
            for (int batchSize : batchSizes) {
                results.add(measure(predictor, texts, batchSize, minSentences, teacher));
            }
        }
        return results;
    }

    private static Result measure(Predictor<String, float[]> predictor, List<String> texts, int batchSize,
                                  int minSentences, Teacher teacher) throws Exception {
        int cursor = 0;
        for (int warmUp = 0; warmUp < 2; warmUp++) {
            predictor.batchPredict(slice(texts, cursor, batchSize));
            cursor += batchSize;
        }
        int done = 0;
        long started = System.nanoTime();
        double seconds;
        do {
            predictor.batchPredict(slice(texts, cursor, batchSize));
            cursor += batchSize;
            done += batchSize;
            seconds = (System.nanoTime() - started) / 1e9;
        } while (done < minSentences || seconds < MIN_SECONDS);
        return new Result(batchSize, done / seconds, String.format(Locale.ROOT,
                "{\"name\":\"raw\",\"batch\":%d,\"sentences_per_s\":%.1f,\"sentences\":%d,\"seconds\":%.2f,"
                        + "\"teacher\":\"%s\",\"device\":\"%s\"}",
                batchSize, done / seconds, done, seconds, teacher.manifest().id(),
                teacher.device().isGpu() ? "gpu" + teacher.device().getDeviceId() : "cpu"));
    }

    /** The next batch, wrapping around the end of the sentences. */
    private static List<String> slice(List<String> texts, int from, int size) {
        List<String> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            batch.add(texts.get((from + i) % texts.size()));
        }
        return batch;
    }
}
