package io.distillery.teacher.fit;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import io.distillery.teacher.CpuThreads;
import io.distillery.teacher.BundleVersion;
import io.distillery.teacher.DeviceChoice;
import io.distillery.teacher.EntropyDistribution;
import io.distillery.teacher.LinearHead;
import io.distillery.teacher.ModelLoader;
import io.distillery.teacher.Teacher;
import io.distillery.teacher.TeacherEngine;
import io.distillery.teacher.TeacherManifest;
import io.distillery.teacher.TeacherMetrics;
import io.distillery.teacher.TeacherTranslator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code teacher fit}: builds the default teacher bundle from a pretrained encoder and the UCI
 * sentences. For each encoder asked for, it embeds TRAIN/DEV/TEST once, trains a linear softmax
 * head with L2 on TRAIN (strength chosen on DEV), and keeps the encoder best on DEV. TEST is only
 * reported. The chosen bundle is then loaded back through {@link Teacher} and scored again, so
 * what is reported is what the bundle does, and gets the table its students start from
 * ({@link StudentEmbeddings}).
 *
 * <pre>
 * TeacherFit --output DIR [--encoder default|all|minilm-l6-q|minilm-l6|bge-small-en-v15|e5-small-v2|e5-small-v2-q[,...]]
 *            [--temperature 2.0] [--max-length 128] [--device auto|cpu|gpu]
 * </pre>
 */
public final class TeacherFit {

    private static final List<Double> L2_GRID = List.of(1e-4, 1e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0);
    private static final int BATCH_SIZE = 32;
    private static final List<String> ENCODER_INPUTS = List.of(TeacherManifest.INPUT_IDS,
            TeacherManifest.ATTENTION_MASK, TeacherManifest.TOKEN_TYPE_IDS);

    private final Options options;

    /** Command-line options; no encoders means the device's default ({@link PretrainedEncoder#defaultFor}). */
    record Options(Path output, List<PretrainedEncoder> encoders, double temperature, int maxLength,
                   DeviceChoice device) {

        static Options parse(String[] args) {
            Path output = null;
            List<PretrainedEncoder> encoders = List.of();
            double temperature = 2.0;
            int maxLength = 128;
            DeviceChoice device = DeviceChoice.AUTO;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                String value = args[++i];
                switch (flag) {
                    case "--output" -> output = Path.of(value).toAbsolutePath();
                    case "--encoder" -> encoders = switch (value) {
                        case "default" -> List.of();
                        case "all" -> List.of(PretrainedEncoder.values());
                        default -> Arrays.stream(value.split(",")).map(PretrainedEncoder::fromCli).toList();
                    };
                    case "--temperature" -> temperature = Double.parseDouble(value);
                    case "--max-length" -> maxLength = Integer.parseInt(value);
                    case "--device" -> device = DeviceChoice.parse(value);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (output == null) {
                throw new IllegalArgumentException("--output DIR is required");
            }
            return new Options(output, encoders, temperature, maxLength, device);
        }
    }

    /** One encoder's result. */
    record Candidate(PretrainedEncoder encoder, Path bundle, double lambda, double train, double dev, double test,
                     double devLoss, double sentencesPerSecond) {
    }

    /** The labelled sentences of one split, as texts and label indices. */
    record Labelled(List<String> texts, int[] labels) {
        static Labelled of(Split split) {
            List<LabelledSentence> sentences = UciSentiment.split(split);
            return new Labelled(sentences.stream().map(LabelledSentence::text).toList(),
                    sentences.stream().mapToInt(s -> UciSentiment.LABELS.indexOf(s.label())).toArray());
        }
    }

    TeacherFit(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("teacher fit: " + e.getMessage());
            System.err.println("usage: TeacherFit --output DIR [--encoder default|all|" + PretrainedEncoder.names().replace(", ", "|")
                    + "[,...]] [--temperature 2.0] [--max-length 128] [--device auto|cpu|gpu]");
            System.exit(2);
            return;
        }
        new TeacherFit(options).run();
    }

    void run() throws Exception {
        prepareOutput(options.output());
        Map<Split, Labelled> data = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            data.put(split, Labelled.of(split));
        }
        System.out.printf(Locale.ROOT, "UCI sentences: train %d, dev %d, test %d%n", data.get(Split.TRAIN).texts().size(),
                data.get(Split.DEV).texts().size(), data.get(Split.TEST).texts().size());

        Path staging = Files.createTempDirectory(options.output().getParent(), ".teacher-fit-");
        try {
            List<Candidate> candidates = new ArrayList<>();
            // Resolved once: the CPU build of ONNX Runtime logs a CUDA warning on every GPU query.
            Device device = options.device().resolve(TeacherEngine.ONNX);
            List<PretrainedEncoder> encoders = options.encoders().isEmpty()
                    ? List.of(PretrainedEncoder.defaultFor(device))
                    : options.encoders();
            for (PretrainedEncoder encoder : encoders) {
                Candidate candidate = fitEncoder(encoder, device, staging.resolve(encoder.cliName()), data);
                candidates.add(candidate);
                System.out.printf(Locale.ROOT,
                        "encoder=%-16s pooling=%-4s l2=%-6s train=%.2f%% dev=%.2f%% test=%.2f%% (%.0f sentences/s)%n",
                        encoder.cliName(), encoder.pooling().manifestName(), candidate.lambda(), 100 * candidate.train(),
                        100 * candidate.dev(), 100 * candidate.test(), candidate.sentencesPerSecond());
            }
            // Chosen on DEV only (then lower DEV loss); TEST stays a report.
            Candidate best = candidates.stream()
                    .max(Comparator.comparingDouble(Candidate::dev).thenComparing(c -> -c.devLoss()))
                    .orElseThrow();
            moveBundle(best.bundle(), options.output());
            System.out.printf(Locale.ROOT, "selected %s on DEV (%.2f%%); bundle written to %s%n",
                    best.encoder().cliName(), 100 * best.dev(), options.output());
            verifyAndReport(best, candidates, data);
            StudentEmbeddings.write(options.output(), options.device());
        } finally {
            deleteTree(staging);
        }
    }

    private Candidate fitEncoder(PretrainedEncoder encoder, Device device, Path bundle, Map<Split, Labelled> data)
            throws Exception {
        encoder.copyTo(bundle);
        Map<Split, float[][]> features = new EnumMap<>(Split.class);
        long started = System.nanoTime();
        int embedded = 0;
        try (HuggingFaceTokenizer tokenizer = TeacherTranslator.tokenizer(
                bundle.resolve(PretrainedEncoder.TOKENIZER_FILE), options.maxLength());
             ZooModel<String, float[]> model = ModelLoader.load(TeacherEngine.ONNX,
                     bundle.resolve(PretrainedEncoder.MODEL_FILE),
                     new TeacherTranslator(tokenizer, ENCODER_INPUTS, encoder.pooling(), null), device, CpuThreads.DEFAULT);
             Predictor<String, float[]> predictor = model.newPredictor()) {
            System.out.printf("embedding with %s on %s...%n", encoder.cliName(), device.isGpu() ? "GPU" : "CPU");
            for (Split split : Split.values()) {
                List<String> texts = data.get(split).texts();
                features.put(split, BatchedInference.run(predictor, texts, BATCH_SIZE).toArray(float[][]::new));
                embedded += texts.size();
            }
        }
        double sentencesPerSecond = embedded / ((System.nanoTime() - started) / 1e9);

        int classes = UciSentiment.LABELS.size();
        SoftmaxHeadTrainer.Fit fit = SoftmaxHeadTrainer.defaults().fitSelected(
                features.get(Split.TRAIN), data.get(Split.TRAIN).labels(),
                features.get(Split.DEV), data.get(Split.DEV).labels(), classes, L2_GRID);
        LinearHead head = fit.head();
        head.write(bundle.resolve("head.bin"));
        TeacherManifest manifest = new TeacherManifest("uci-sentiment-" + encoder.cliName(), "sha256:pending",
                TeacherEngine.ONNX, PretrainedEncoder.MODEL_FILE, PretrainedEncoder.TOKENIZER_FILE,
                UciSentiment.LABELS, options.maxLength(), encoder.pooling(), Optional.of("head.bin"),
                options.temperature(), ENCODER_INPUTS);
        manifest.withVersion(BundleVersion.compute(bundle, manifest)).write(bundle);
        return new Candidate(encoder, bundle, fit.lambda(),
                SoftmaxHeadTrainer.accuracy(head, features.get(Split.TRAIN), data.get(Split.TRAIN).labels()),
                fit.devAccuracy(),
                SoftmaxHeadTrainer.accuracy(head, features.get(Split.TEST), data.get(Split.TEST).labels()),
                fit.devLoss(), sentencesPerSecond);
    }

    /** Loads the written bundle like the service will, re-scores TEST, records entropy, writes fit-report.json. */
    private void verifyAndReport(Candidate best, List<Candidate> candidates, Map<Split, Labelled> data)
            throws Exception {
        List<float[]> logits = new ArrayList<>();
        int right = 0;
        int total = 0;
        try (Teacher teacher = Teacher.load(options.output(), options.device());
             Predictor<String, float[]> predictor = teacher.newPredictor()) {
            for (Split split : Split.values()) {
                Labelled labelled = data.get(split);
                List<float[]> splitLogits = BatchedInference.run(predictor, labelled.texts(), BATCH_SIZE);
                logits.addAll(splitLogits);
                if (split == Split.TEST) {
                    for (int i = 0; i < splitLogits.size(); i++) {
                        right += TeacherMetrics.argmax(splitLogits.get(i)) == labelled.labels()[i] ? 1 : 0;
                    }
                    total = splitLogits.size();
                }
            }
        }
        double reloadedTest = (double) right / total;
        EntropyDistribution atOne = EntropyDistribution.of(logits, 1.0);
        EntropyDistribution atT = EntropyDistribution.of(logits, options.temperature());
        System.out.printf(Locale.ROOT, "reloaded bundle: test=%.2f%%%n", 100 * reloadedTest);
        System.out.println("entropy (nats, all 3,000 UCI sentences) at T=1: " + atOne.toJson());
        System.out.println("entropy (nats, all 3,000 UCI sentences) at T=" + options.temperature() + ": " + atT.toJson());

        StringBuilder json = new StringBuilder("{\n  \"selected\": \"").append(best.encoder().cliName())
                .append("\",\n  \"selection\": \"DEV accuracy, then DEV loss\",\n  \"candidates\": [\n");
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            json.append(String.format(Locale.ROOT,
                    "    {\"encoder\":\"%s\",\"pooling\":\"%s\",\"l2\":%s,\"train\":%.4f,\"dev\":%.4f,\"test\":%.4f}%s%n",
                    c.encoder().cliName(), c.encoder().pooling().manifestName(), c.lambda(), c.train(), c.dev(),
                    c.test(), i + 1 < candidates.size() ? "," : ""));
        }
        json.append(String.format(Locale.ROOT, "  ],%n  \"reloaded_test_accuracy\": %.4f,%n", reloadedTest))
                .append("  \"entropy\": [").append(atOne.toJson()).append(", ").append(atT.toJson()).append("]\n}\n");
        Files.writeString(options.output().resolve("fit-report.json"), json, StandardCharsets.UTF_8);
    }

    /** The output must be new, empty, or an earlier bundle (replaced); anything else is refused. */
    private static void prepareOutput(Path output) throws IOException {
        if (Files.isDirectory(output)) {
            try (Stream<Path> entries = Files.list(output)) {
                if (entries.findAny().isPresent() && !Teacher.isBundle(output)) {
                    throw new IOException(output + " exists and is not a teacher bundle: refusing to overwrite it");
                }
            }
            deleteTree(output);
        }
        Files.createDirectories(output.getParent());
    }

    private static void moveBundle(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.move(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
