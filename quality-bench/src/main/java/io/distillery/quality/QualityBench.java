package io.distillery.quality;

import ai.djl.inference.Predictor;
import io.distillery.augmenter.Augmenter;
import io.distillery.augmenter.AugmenterSettings;
import io.distillery.augmenter.PosDictionary;
import io.distillery.augmenter.PosTagger;
import io.distillery.augmenter.RecordSeeds;
import io.distillery.augmenter.TaggedText;
import io.distillery.augmenter.TextAnalyzer;
import io.distillery.augmenter.Variant;
import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.PangLeeReviews;
import io.distillery.datasets.Sentences;
import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import io.distillery.formats.EmbeddingTable;
import io.distillery.schemas.StudentKind;
import io.distillery.student.Architecture;
import io.distillery.student.DistillationLoss;
import io.distillery.student.EmbeddingInit;
import io.distillery.student.QuickTraining;
import io.distillery.student.Student;
import io.distillery.student.StudentRuntime;
import io.distillery.student.StudentTokenizer;
import io.distillery.teacher.CpuThreads;
import io.distillery.teacher.DeviceChoice;
import io.distillery.teacher.EntropyDistribution;
import io.distillery.teacher.LinearHead;
import io.distillery.teacher.Teacher;
import io.distillery.teacher.TeacherManifest;
import io.distillery.teacher.TeacherMetrics;
import io.distillery.teacher.fit.StudentEmbeddings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * {@code ./distillery bench quality}: how much of the teacher a student keeps, and at what speed.
 * On the fixed UCI split (TRAIN to learn, DEV for every choice, TEST reported only), one student
 * architecture and one set of hyper-parameters, four ways to train it:
 * <ol>
 *   <li>{@code gold_only}: cross-entropy on the gold TRAIN labels;</li>
 *   <li>{@code teacher_logits}: the teacher's logits of TRAIN, MSE (Tang) or T²·KL (Hinton) at the
 *       bundle's temperature, whichever scores better on DEV;</li>
 *   <li>{@code augmented}: (2) plus Tang et al.'s augmentation of TRAIN (n_iter variants per
 *       sentence, augmenter-svc's pure classes), labelled by the teacher;</li>
 *   <li>{@code unlabelled}: (3) plus unlabelled in-domain sentences (Pang &amp; Lee's movie reviews
 *       from Debian's python3-pattern, and with {@code --snippets-max} its Rotten Tomatoes snippets,
 *       their labels unused) labelled by the teacher.</li>
 * </ol>
 * Teacher and students are timed in the same run on the same TEST texts and batch size. Prints one
 * JSON object on stdout; progress on stderr. Teacher logits of the large sets are cached under
 * {@code .distillery/cache/teacher-logits} (keyed by bundle version and texts).
 *
 * <pre>
 * QualityBench [--bundle DIR] [--cache DIR] [--student both|bilstm|mlp] [--n-iter 20] [--unlabelled-max 50000] [--snippets-max 5000] [--snippets-n-iter 0]
 *              [--embeddings random|teacher|contextual] [--freeze-embeddings true|false] [--embedding-size 64] [--hidden 256]
 *              [--lstm-hidden 64] [--classifier-hidden 64] [--lr X] [--batch 64] [--min-epochs 5] [--max-epochs 40]
 *              [--patience N] [--speed-batch 32] [--speed-seconds 5] [--seed 7] [--train-threads CORES] [--cosine-epochs 0]
 *              [--average-decay 0] [--variants gold_only,teacher_logits,augmented,unlabelled] [--loss auto|mse|kl]
 * </pre>
 */
public final class QualityBench {

    /** The table's rows, in the order they are trained. */
    static final List<String> VARIANTS = List.of("gold_only", "teacher_logits", "augmented", "unlabelled");

    /** Both students' embedding width unless told otherwise: the MLP's own, and the BiLSTM's that serves at 50x+ the teacher. */
    private static final int DEFAULT_EMBEDDING_SIZE = 64;

    private QualityBench() {
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    public static void main(String[] args) throws Exception {
        // PyTorch starts on one intra-op thread (on a loaded 2-core machine two spin-wait and run 6-8x
        // slower: student-model's README); training then uses --train-threads, timing one and every core.
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        Options options = Options.parse(args);
        long started = System.nanoTime();
        Map<String, Object> report = new QualityBench.Run(options).run();
        report.put("wall_seconds", round((System.nanoTime() - started) / 1e9, 1));
        System.out.println(JsonWriter.write(report));
        System.out.flush();
        System.exit(0); // DJL/ORT leave non-daemon threads behind
    }

    /**
     * Where the student's embedding table starts: random, the encoder's input table as it is, or the
     * bundle's contextual table (teacher-labeler-svc's StudentEmbeddings) fitted by EmbeddingInit.
     */
    enum Embeddings { RANDOM, TEACHER, CONTEXTUAL }

    /** The command line, with the defaults chosen on DEV (see the module README). */
    record Options(Path bundle, Path cache, List<StudentKind> kinds, int nIter, int unlabelledMax, int snippetsMax, int snippetsNIter, Embeddings embeddings,
                   boolean freezeEmbeddings, int embeddingSize, int hidden, float learningRate, int batch, int minEpochs, int maxEpochs, int patience,
                   int speedBatch, double speedSeconds, long seed, int teacherBatch, int trainThreads,
                   int lstmHidden, int classifierHidden, int cosineEpochs, float averageDecay, List<String> variants, String loss) {

        static Options parse(String[] args) {
            Path home = home();
            String bundleEnv = System.getenv("DISTILLERY_TEACHER_BUNDLE_DIR");
            Path bundle = bundleEnv != null && !bundleEnv.isBlank() ? Path.of(bundleEnv)
                    : home.resolve(".distillery/teacher/default");
            Path cache = home.resolve(".distillery/cache");
            List<StudentKind> kinds = List.of(StudentKind.BILSTM, StudentKind.BAG_OF_EMBEDDINGS_MLP);
            int nIter = 20;
            int unlabelledMax = 50_000; // all 47,056: DEV 0.9355 against 0.9290 with 40,000 (module README)
            int snippetsMax = 5_000; // all ~4,000: DEV 0.9419 against 0.9355 without them (module README)
            int snippetsNIter = 0; // 0: the snippets as they are
            Embeddings embeddings = Embeddings.CONTEXTUAL;
            boolean freeze = false;
            int embeddingSize = 0; // 0: 64, or the encoder's width with --embeddings teacher
            int hidden = 256;
            float lr = 1e-3f;
            int batch = 64;
            int minEpochs = 5; // DEV 0.9484 against 0.9419 with 3 (module README)
            int maxEpochs = 40;
            int patience = 8;
            int speedBatch = 32;
            double speedSeconds = 5;
            long seed = 7;
            int teacherBatch = 32;
            int trainThreads = cores();
            int lstmHidden = 64; // seed 001's 300 / 400 serve at under 50x the teacher here (module README)
            int classifierHidden = 64;
            int cosineEpochs = 0; // 0: a fixed learning rate
            float averageDecay = 0f; // 0: keep the trained weights, not a moving average of them
            List<String> variants = VARIANTS;
            String loss = "auto"; // auto: MSE or KL, whichever teacher_logits scores better on DEV
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--bundle" -> bundle = Path.of(require(args[i], value));
                    case "--cache" -> cache = Path.of(require(args[i], value));
                    case "--student" -> kinds = switch (require(args[i], value)) {
                        case "mlp" -> List.of(StudentKind.BAG_OF_EMBEDDINGS_MLP);
                        case "bilstm" -> List.of(StudentKind.BILSTM);
                        case "both" -> List.of(StudentKind.BILSTM, StudentKind.BAG_OF_EMBEDDINGS_MLP);
                        default -> throw new IllegalArgumentException("--student mlp|bilstm|both, not " + value);
                    };
                    case "--n-iter" -> nIter = Integer.parseInt(require(args[i], value));
                    case "--unlabelled-max" -> unlabelledMax = Integer.parseInt(require(args[i], value));
                    case "--snippets-max" -> snippetsMax = Integer.parseInt(require(args[i], value));
                    case "--snippets-n-iter" -> snippetsNIter = Integer.parseInt(require(args[i], value));
                    case "--embeddings" -> embeddings = switch (require(args[i], value)) {
                        case "teacher" -> Embeddings.TEACHER;
                        case "contextual" -> Embeddings.CONTEXTUAL;
                        case "random" -> Embeddings.RANDOM;
                        default -> throw new IllegalArgumentException("--embeddings random|teacher|contextual, not " + value);
                    };
                    case "--freeze-embeddings" -> freeze = Boolean.parseBoolean(require(args[i], value));
                    case "--embedding-size" -> embeddingSize = Integer.parseInt(require(args[i], value));
                    case "--hidden" -> hidden = Integer.parseInt(require(args[i], value));
                    case "--lr" -> lr = Float.parseFloat(require(args[i], value));
                    case "--batch" -> batch = Integer.parseInt(require(args[i], value));
                    case "--min-epochs" -> minEpochs = Integer.parseInt(require(args[i], value));
                    case "--max-epochs" -> maxEpochs = Integer.parseInt(require(args[i], value));
                    case "--patience" -> patience = Integer.parseInt(require(args[i], value));
                    case "--speed-batch" -> speedBatch = Integer.parseInt(require(args[i], value));
                    case "--speed-seconds" -> speedSeconds = Double.parseDouble(require(args[i], value));
                    case "--seed" -> seed = Long.parseLong(require(args[i], value));
                    case "--teacher-batch" -> teacherBatch = Integer.parseInt(require(args[i], value));
                    case "--train-threads" -> trainThreads = Integer.parseInt(require(args[i], value));
                    case "--lstm-hidden" -> lstmHidden = Integer.parseInt(require(args[i], value));
                    case "--classifier-hidden" -> classifierHidden = Integer.parseInt(require(args[i], value));
                    case "--cosine-epochs" -> cosineEpochs = Integer.parseInt(require(args[i], value));
                    case "--average-decay" -> averageDecay = Float.parseFloat(require(args[i], value));
                    case "--variants" -> variants = List.of(require(args[i], value).split(","));
                    case "--loss" -> loss = require(args[i], value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see QualityBench's javadoc)");
                }
                i++;
            }
            return new Options(bundle, cache, kinds, nIter, unlabelledMax, snippetsMax, snippetsNIter, embeddings, freeze, embeddingSize, hidden, lr, batch,
                    minEpochs, maxEpochs, patience, speedBatch, speedSeconds, seed, teacherBatch, trainThreads,
                    lstmHidden, classifierHidden, cosineEpochs, averageDecay, variants, loss);
        }

        Options {
            if (!VARIANTS.containsAll(variants)) {
                throw new IllegalArgumentException("--variants takes some of " + VARIANTS + ", not " + variants);
            }
            if (!List.of("auto", "mse", "kl").contains(loss)) {
                throw new IllegalArgumentException("--loss auto|mse|kl, not " + loss);
            }
            if (loss.equals("auto") && !variants.contains("teacher_logits")
                    && (variants.contains("augmented") || variants.contains("unlabelled"))) {
                throw new IllegalArgumentException("--loss auto chooses on teacher_logits' DEV accuracy: keep that variant or pass --loss");
            }
        }

        private static String require(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }

        /** The repository root: -Ddistillery.home, else the nearest directory up with the `distillery` script. */
        static Path home() {
            String property = System.getProperty("distillery.home");
            if (property != null) {
                return Path.of(property);
            }
            Path dir = Path.of("").toAbsolutePath();
            for (Path d = dir; d != null; d = d.getParent()) {
                if (Files.isRegularFile(d.resolve("distillery")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                    return d;
                }
            }
            return dir;
        }
    }

    private static final class Run {
        private final Options options;
        private final List<String> labels = UciSentiment.LABELS;
        private List<String> trainTexts;
        private int[] trainGold;
        private List<String> devTexts;
        private int[] devGold;
        private List<String> testTexts;
        private int[] testGold;
        private List<String> speedTexts;

        Run(Options options) {
            this.options = options;
        }

        Map<String, Object> run() throws Exception {
            List<LabelledSentence> train = UciSentiment.split(Split.TRAIN);
            List<LabelledSentence> dev = UciSentiment.split(Split.DEV);
            List<LabelledSentence> test = UciSentiment.split(Split.TEST);
            trainTexts = texts(train);
            trainGold = gold(train);
            devTexts = texts(dev);
            devGold = gold(dev);
            testTexts = texts(test);
            testGold = gold(test);
            speedTexts = new ArrayList<>(testTexts);
            Collections.shuffle(speedTexts, new Random(42)); // unsorted, every batch ragged, as in production
            Progress.log("UCI split: %d train, %d dev, %d test; teacher bundle %s", train.size(), dev.size(), test.size(),
                    options.bundle());
            if (!Teacher.isBundle(options.bundle())) {
                throw new IllegalStateException("no teacher bundle at " + options.bundle()
                        + ": run ./distillery teacher fit, or pass --bundle DIR (or set DISTILLERY_TEACHER_BUNDLE_DIR)");
            }

            Map<String, Object> report = JsonWriter.object();
            try (Teacher teacher = Teacher.load(options.bundle(), DeviceChoice.AUTO);
                 StudentTokenizer tokenizer = StudentTokenizer.load(options.bundle().resolve(teacher.manifest().tokenizer()),
                         teacher.manifest().id())) {
                if (!teacher.labels().equals(labels)) {
                    throw new IllegalStateException("the teacher's labels " + teacher.labels() + " are not " + labels);
                }
                TeacherLabels labeler = new TeacherLabels(teacher, new LogitCache(options.cache().resolve("teacher-logits")),
                        options.teacherBatch());

                // --- the teacher: its logits of TRAIN (the transfer set of (b)), its accuracy and speed
                float[][] trainLogits = labeler.logits("uci-train", trainTexts);
                float[][] devLogits = labeler.logits("uci-dev", devTexts);
                float[][] testLogits = labeler.logits("uci-test", testTexts);
                double teacherOneCall;
                try (Predictor<String, float[]> predictor = teacher.newPredictor()) {
                    Progress.log("timing the teacher: batch %d, %d TEST texts, >= %.0f s", options.speedBatch(),
                            speedTexts.size(), options.speedSeconds());
                    teacherOneCall = Throughput.sentencesPerSecond(speedTexts, options.speedBatch(), options.speedSeconds(),
                            predictor::batchPredict);
                }
                double teacherWorkers = teacherWithWorkers();
                // the ratios compare with the teacher's faster way of using every core
                double teacherSpeed = Math.max(teacherOneCall, teacherWorkers);
                Map<String, Object> teacherReport = JsonWriter.object();
                teacherReport.put("test_accuracy", round(accuracy(testLogits, testGold), 4));
                List<OnnxInitializers.Tensor> tensors = teacher.manifest().model().endsWith(".onnx")
                        ? OnnxInitializers.read(options.bundle().resolve(teacher.manifest().model())) : List.of();
                teacherReport.put("parameters", tensors.isEmpty() ? null
                        : teacherParameters(options.bundle(), teacher.manifest(), tensors));
                teacherReport.put("sentences_per_s", round(teacherSpeed, 1));
                teacherReport.put("sentences_per_s_one_call_all_cores", round(teacherOneCall, 1));
                teacherReport.put("sentences_per_s_workers", round(teacherWorkers, 1));
                teacherReport.put("dev_accuracy", round(accuracy(devLogits, devGold), 4));
                teacherReport.put("train_accuracy", round(accuracy(trainLogits, trainGold), 4));
                teacherReport.put("id", teacher.manifest().id());
                teacherReport.put("version", teacher.manifest().version());
                teacherReport.put("engine", teacher.manifest().engine().manifestName());
                teacherReport.put("device", teacher.device().isGpu() ? "gpu" : "cpu");
                teacherReport.put("train_mean_entropy_nats_t1", round(EntropyDistribution.of(Arrays.asList(trainLogits), 1.0).mean(), 4));
                report.put("teacher", teacherReport);
                Progress.log("teacher: TEST %.4f, DEV %.4f, %.1f sentences/s", accuracy(testLogits, testGold),
                        accuracy(devLogits, devGold), teacherSpeed);

                // --- transfer sets
                long augmentStarted = System.nanoTime();
                List<String> augmented = augment(train);
                double augmentSeconds = (System.nanoTime() - augmentStarted) / 1e9;
                float[][] augmentedLogits = labeler.logits("uci-train-augmented-n" + options.nIter(), augmented);
                List<String> unlabelled = unlabelled();
                float[][] unlabelledLogits = labeler.logits("pang-lee-reviews", unlabelled);
                List<String> snippets = snippets(unlabelled);
                float[][] snippetLogits = labeler.logits("pang-lee-snippets", snippets);
                List<String> snippetVariants = augmentSnippets(snippets, augmented, unlabelled);
                float[][] snippetVariantLogits = labeler.logits("pang-lee-snippets-augmented-n" + options.snippetsNIter(),
                        snippetVariants);

                Map<String, Object> data = JsonWriter.object();
                data.put("train", trainTexts.size());
                data.put("dev", devTexts.size());
                data.put("test", testTexts.size());
                data.put("augmented_variants", augmented.size());
                data.put("augmentation_seconds", round(augmentSeconds, 1));
                data.put("augmentation", "Tang et al.: p_mask 0.1, p_pos 0.1, p_ng 0.25 (n-gram mode SAMPLE), n_iter "
                        + options.nIter() + ", POS dictionary learnt from TRAIN");
                data.put("unlabelled_sentences", unlabelled.size());
                data.put("unlabelled_source", "Pang & Lee polarity v2.0 reviews (Debian python3-pattern, labels unused)");
                data.put("unlabelled_snippets", snippets.size());
                data.put("unlabelled_snippet_variants", snippetVariants.size());
                data.put("unlabelled_snippets_source", "Pang & Lee's Rotten Tomatoes snippets (Debian python3-pattern, labels unused)");
                data.put("teacher_positive_share_augmented", round(positiveShare(augmentedLogits), 4));
                data.put("teacher_positive_share_unlabelled", round(positiveShare(unlabelledLogits), 4));

                // --- embeddings from the teacher: the encoder's input table as it is, or the contextual
                // table (StudentEmbeddings) fitted to each student's width
                float[] inputTable = null;
                int inputTableWidth = 0;
                EmbeddingTable contextual = null;
                if (options.embeddings() == Embeddings.CONTEXTUAL) {
                    Path file = options.bundle().resolve(EmbeddingTable.FILE_NAME);
                    if (!Files.isRegularFile(file)) {
                        StudentEmbeddings.write(options.bundle(), DeviceChoice.AUTO);
                    }
                    contextual = EmbeddingTable.read(file);
                    Progress.log("student embeddings from the teacher's encoder, token by token: %d x %d", contextual.rows(),
                            contextual.columns());
                } else if (options.embeddings() == Embeddings.TEACHER) {
                    var table = OnnxInitializers.matrixWithRows(tensors, tokenizer.vocabSize()).orElseThrow(() ->
                            new IllegalStateException("no single [" + tokenizer.vocabSize() + ", d] float initializer in the"
                                    + " teacher's model: run with --embeddings random"));
                    inputTable = table.floats();
                    inputTableWidth = (int) table.dims()[1];
                    if (options.embeddingSize() > 0 && options.embeddingSize() != inputTableWidth) {
                        throw new IllegalArgumentException("--embeddings teacher copies the encoder's " + inputTableWidth
                                + "-d table as it is: drop --embedding-size or use --embeddings contextual");
                    }
                    Progress.log("student embeddings from the teacher's %s %s", table.name(), Arrays.toString(table.dims()));
                }

                TrainingSet gold = TrainingSet.gold("uci-train-gold", trainTexts, trainGold);
                TrainingSet logits = TrainingSet.distilled("uci-train-teacher", trainTexts, trainLogits);
                TrainingSet withAugmented = logits.plus("uci-train+augmented", augmented, augmentedLogits);
                TrainingSet withUnlabelled = withAugmented.plus("uci-train+augmented+unlabelled", unlabelled, unlabelledLogits)
                        .plus("uci-train+augmented+unlabelled+snippets", snippets, snippetLogits)
                        .plus("uci-train+augmented+unlabelled+snippets+variants", snippetVariants, snippetVariantLogits);

                boolean first = true;
                int embeddingSize = 0;
                for (StudentKind kind : options.kinds()) {
                    Architecture architecture = architecture(kind, tokenizer.vocabSize(), inputTableWidth > 0 ? inputTableWidth
                            : options.embeddingSize() > 0 ? options.embeddingSize() : DEFAULT_EMBEDDING_SIZE);
                    embeddingSize = architecture.embeddingSize();
                    float[] embeddings = contextual != null ? EmbeddingInit.fit(contextual, embeddingSize) : inputTable;
                    StudentRun.Settings settings = new StudentRun.Settings(architecture, options.learningRate(), options.batch(),
                            options.minEpochs(), options.maxEpochs(), evalEvery(), options.patience(), options.seed(), embeddings,
                            options.freezeEmbeddings(), options.cosineEpochs(),
                            options.averageDecay());
                    Map<String, Object> variants = variants(kind, settings, tokenizer, teacher, gold, logits, withAugmented,
                            withUnlabelled, teacherSpeed, accuracy(testLogits, testGold));
                    if (first) {
                        report.putAll(variants);
                        first = false;
                    } else {
                        report.put(kindName(kind), variants);
                    }
                }
                report.put("data", data);
                report.put("settings", settings(embeddingSize));
            }
            return report;
        }

        private Map<String, Object> variants(StudentKind kind, StudentRun.Settings settings, StudentTokenizer tokenizer,
                                             Teacher teacher, TrainingSet gold, TrainingSet logits, TrainingSet augmented,
                                             TrainingSet unlabelled, double teacherSpeed, double teacherTest) throws Exception {
            Map<String, Object> out = JsonWriter.object();
            String name = kindName(kind);
            Progress.log("%s student: %s", name, settings.architecture());

            List<String> wanted = options.variants();
            if (wanted.contains("gold_only")) {
                out.put("gold_only", variant(name + " gold_only", settings, tokenizer, gold, null, teacherSpeed, teacherTest));
            }

            // (b): the distillation loss is chosen on DEV (unless --loss names one), then kept for (c) and (d)
            float t = (float) teacher.manifest().temperature();
            List<DistillationLoss> candidates = switch (options.loss()) {
                case "mse" -> List.of(DistillationLoss.tang());
                case "kl" -> List.of(DistillationLoss.hinton(t, 1f));
                default -> List.of(DistillationLoss.tang(), DistillationLoss.hinton(t, 1f));
            };
            DistillationLoss bestLoss = candidates.get(0);
            if (wanted.contains("teacher_logits")) {
                Map<String, Object> best = null;
                List<Object> tried = new ArrayList<>();
                for (DistillationLoss loss : candidates) {
                    Map<String, Object> result = variant(name + " teacher_logits " + lossName(loss), settings, tokenizer, logits, loss,
                            teacherSpeed, teacherTest);
                    Map<String, Object> summary = JsonWriter.object();
                    summary.put("loss", lossName(loss));
                    summary.put("dev_accuracy", result.get("dev_accuracy"));
                    tried.add(summary);
                    if (best == null || (double) result.get("dev_accuracy") > (double) best.get("dev_accuracy")) {
                        best = result;
                        bestLoss = loss;
                    }
                }
                best.put("loss_candidates_dev", tried);
                out.put("teacher_logits", best);
            }
            if (wanted.contains("augmented")) {
                out.put("augmented", variant(name + " augmented", settings, tokenizer, augmented, bestLoss, teacherSpeed, teacherTest));
            }
            if (wanted.contains("unlabelled")) {
                out.put("unlabelled", variant(name + " unlabelled", settings, tokenizer, unlabelled, bestLoss, teacherSpeed, teacherTest));
            }
            return out;
        }

        /**
         * The teacher on every core the other way: one worker per core, each with its own predictor
         * on a one-thread session (0 on a GPU, where it does not apply).
         */
        private double teacherWithWorkers() throws Exception {
            try (Teacher single = Teacher.load(options.bundle(), DeviceChoice.AUTO, CpuThreads.perCall(1))) {
                if (single.device().isGpu()) {
                    return 0;
                }
                List<Predictor<String, float[]>> predictors = Collections.synchronizedList(new ArrayList<>());
                ThreadLocal<Predictor<String, float[]>> own = ThreadLocal.withInitial(() -> {
                    Predictor<String, float[]> predictor = single.newPredictor();
                    predictors.add(predictor);
                    return predictor;
                });
                try {
                    Progress.log("timing the teacher: %d workers, one thread each", cores());
                    return Throughput.sentencesPerSecond(speedTexts, options.speedBatch(), options.speedSeconds(), cores(),
                            batch -> own.get().batchPredict(batch));
                } finally {
                    predictors.forEach(Predictor::close); // before the model they belong to
                }
            }
        }

        private Map<String, Object> variant(String label, StudentRun.Settings settings, StudentTokenizer tokenizer, TrainingSet set,
                                            DistillationLoss loss, double teacherSpeed, double teacherTest) throws Exception {
            Progress.log("training %s on %,d examples (%s)", label, set.size(), loss == null ? "gold CE" : lossName(loss));
            StudentRuntime.useThreads(options.trainThreads());
            StudentRun.Outcome outcome = StudentRun.train(settings, tokenizer, labels, set, loss, devTexts, devGold);
            try (Student student = outcome.student()) {
                double test = QuickTraining.accuracy(student, testTexts, testGold, 256);
                // Timed on one thread, as the services run students; and on every core, one single-threaded
                // worker per core (PyTorch's intra-op threads barely help a batch this small).
                StudentRuntime.useThreads(1);
                double speed = Throughput.sentencesPerSecond(speedTexts, options.speedBatch(), Math.min(3, options.speedSeconds()),
                        student::logits);
                double speedAllCores = Throughput.sentencesPerSecond(speedTexts, options.speedBatch(),
                        Math.min(3, options.speedSeconds()), cores(), student::logits);
                Map<String, Object> out = JsonWriter.object();
                out.put("test_accuracy", round(test, 4));
                out.put("parameters", student.parameterCount());
                out.put("sentences_per_s", round(speed, 1));
                out.put("trainable_parameters", settings.embeddings() != null && settings.freezeEmbeddings()
                        ? student.parameterCount() - (long) settings.embeddings().length : student.parameterCount());
                out.put("student", kindName(student.architecture().kind()));
                out.put("architecture", new java.util.TreeMap<>(student.architecture().toMap()));
                out.put("loss", loss == null ? "ce(gold)" : lossName(loss));
                out.put("dev_accuracy", round(outcome.devAccuracy(), 4));
                out.put("examples", outcome.examples());
                out.put("epochs", round(outcome.epochs(), 2));
                out.put("steps", outcome.steps());
                out.put("skipped_batches", outcome.skippedBatches());
                out.put("best_step", outcome.bestStep());
                out.put("accuracy_ratio_to_teacher", round(test / teacherTest, 4));
                out.put("speed_ratio_to_teacher", round(speed / teacherSpeed, 1));
                out.put("sentences_per_s_all_cores", round(speedAllCores, 1));
                out.put("speed_ratio_to_teacher_all_cores", round(speedAllCores / teacherSpeed, 1));
                out.put("train_seconds", round(outcome.seconds(), 1));
                Progress.log("  %s: TEST %.4f, DEV %.4f, %d steps (%.1f epochs, best at %d), %.0f s, %.0f sentences/s", label, test,
                        outcome.devAccuracy(), outcome.steps(), outcome.epochs(), outcome.bestStep(), outcome.seconds(), speed);
                return out;
            }
        }

        /** Tang et al.'s augmentation of TRAIN: n_iter variants per sentence, de-duplicated, originals left out. */
        private List<String> augment(List<LabelledSentence> train) {
            List<String> variants = augment(train.stream().map(LabelledSentence::text).toList(),
                    train.stream().map(LabelledSentence::id).toList(), options.nIter(), new HashSet<>());
            Progress.log("augmented TRAIN: %,d distinct variants from %,d sentences (n_iter %d)", variants.size(), train.size(),
                    options.nIter());
            return variants;
        }

        /**
         * {@code nIter} variants of each text (ids seed each text's randomness), with the POS
         * dictionary learnt from these texts; none equal to a UCI sentence or to anything in
         * {@code seen}, which grows with every variant kept.
         */
        private List<String> augment(List<String> texts, List<String> ids, int nIter, Set<String> seen) {
            AugmenterSettings settings = AugmenterSettings.builder().nIter(nIter).build();
            TextAnalyzer analyzer = TextAnalyzer.from(settings, PosTagger.english());
            PosDictionary dictionary = PosDictionary.from(settings, options.seed());
            List<TaggedText> tagged = new ArrayList<>();
            for (String text : texts) {
                TaggedText analyzed = analyzer.analyze(text);
                dictionary.learn(analyzed);
                tagged.add(analyzed);
            }
            Augmenter augmenter = new Augmenter(settings, dictionary);
            seen.addAll(uciKeys()); // never a DEV/TEST sentence, never a TRAIN one twice
            List<String> variants = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                for (Variant variant : augmenter.augment(tagged.get(i), RecordSeeds.randomFor(ids.get(i), options.seed()))) {
                    if (!variant.isOriginal() && seen.add(Sentences.dedupKey(variant.text()))) {
                        variants.add(variant.text());
                    }
                }
            }
            return variants;
        }

        /**
         * Tang et al.'s augmentation of the snippets (--snippets-n-iter variants each), none equal to
         * a snippet or to a text of {@code alreadyUsed}.
         */
        @SafeVarargs
        private List<String> augmentSnippets(List<String> snippets, List<String>... alreadyUsed) {
            if (options.snippetsNIter() <= 0 || snippets.isEmpty()) {
                return List.of();
            }
            Set<String> seen = dedupKeys(snippets);
            for (List<String> texts : alreadyUsed) {
                seen.addAll(dedupKeys(texts));
            }
            List<String> ids = IntStream.range(0, snippets.size()).mapToObj(i -> "snippet-" + i).toList();
            List<String> variants = augment(snippets, ids, options.snippetsNIter(), seen);
            Progress.log("augmented snippets: %,d distinct variants from %,d snippets (n_iter %d)", variants.size(), snippets.size(),
                    options.snippetsNIter());
            return variants;
        }

        /** Review sentences, none equal to a UCI sentence, in a seeded shuffled order, at most --unlabelled-max. */
        private List<String> unlabelled() {
            return seededSample("Pang & Lee review sentences", PangLeeReviews.sentences(options.cache()), uciKeys(),
                    options.unlabelledMax());
        }

        /**
         * Rotten Tomatoes snippets, none equal to a UCI or an already chosen review sentence, in a
         * seeded shuffled order, at most --snippets-max.
         */
        private List<String> snippets(List<String> reviews) {
            if (options.snippetsMax() <= 0) {
                return List.of();
            }
            Set<String> used = uciKeys();
            used.addAll(dedupKeys(reviews));
            return seededSample("Rotten Tomatoes snippets", PangLeeReviews.snippets(options.cache()), used, options.snippetsMax());
        }

        /** {@code texts} (distinct) less those in {@code used}, in a seeded shuffled order, at most {@code max}. */
        private List<String> seededSample(String what, List<String> texts, Set<String> used, int max) {
            List<String> fresh = new ArrayList<>(texts);
            fresh.removeIf(s -> used.contains(Sentences.dedupKey(s)));
            Collections.shuffle(fresh, new Random(options.seed()));
            List<String> kept = new ArrayList<>(fresh.subList(0, Math.min(max, fresh.size())));
            Progress.log("unlabelled: %,d %s (%,d already used dropped), %,d used", texts.size(), what,
                    texts.size() - fresh.size(), kept.size());
            return kept;
        }

        private static Set<String> uciKeys() {
            return dedupKeys(UciSentiment.all().stream().map(LabelledSentence::text).toList());
        }

        private static Set<String> dedupKeys(List<String> texts) {
            Set<String> keys = new HashSet<>();
            texts.forEach(text -> keys.add(Sentences.dedupKey(text)));
            return keys;
        }

        private Architecture architecture(StudentKind kind, int vocabSize, int embeddingSize) {
            Architecture architecture = kind == StudentKind.BILSTM ? bilstm(vocabSize)
                    : Architecture.mlp(vocabSize, labels.size()).withHiddenSize(options.hidden());
            return embeddingSize > 0 ? architecture.withEmbeddingSize(embeddingSize) : architecture;
        }

        /** Seed 001's BiLSTM (dropout 0.15, one layer) at the bench's sizes. */
        private Architecture bilstm(int vocabSize) {
            return Architecture.bilstm(vocabSize, labels.size()).withHiddenSize(options.lstmHidden())
                    .withClassifierHiddenSize(options.classifierHidden());
        }

        /** Evaluate on DEV about once per pass over TRAIN's size, whatever the transfer set's size. */
        private int evalEvery() {
            return Math.max(1, (trainTexts.size() + options.batch() - 1) / options.batch());
        }

        private Map<String, Object> settings(int embeddingSize) {
            Map<String, Object> s = JsonWriter.object();
            s.put("embeddings", options.embeddings() == Embeddings.RANDOM ? "random"
                    : options.embeddings().name().toLowerCase(Locale.ROOT) + " (" + embeddingSize + "-d, "
                    + (options.freezeEmbeddings() ? "frozen" : "fine-tuned") + ")");
            s.put("mlp_hidden", options.hidden());
            s.put("learning_rate", options.learningRate());
            s.put("optimizer", "Adam, " + (options.cosineEpochs() > 0 ? "cosine decay to 1/20 over " + options.cosineEpochs()
                    + " passes" : "fixed rate") + ", global-norm clipping 5");
            s.put("weights", options.averageDecay() > 0 ? "moving average of the trained weights, decay " + options.averageDecay()
                    : "the trained weights");
            s.put("batch", options.batch());
            s.put("batches", "length-bucketed: shuffled, pools of 50 batches sorted by length, batches shuffled");
            s.put("train_threads", options.trainThreads());
            s.put("min_epochs", options.minEpochs());
            s.put("max_epochs", options.maxEpochs());
            s.put("eval_every_steps", evalEvery());
            s.put("patience_evals", options.patience());
            s.put("selection", "best DEV accuracy (earliest on ties); TEST scored once on the kept weights");
            s.put("seed", options.seed());
            s.put("speed", "batch " + options.speedBatch() + ", the " + speedTexts.size() + " TEST texts unsorted, end to end;"
                    + " students on 1 PyTorch thread (sentences_per_s) and as one single-threaded worker per core"
                    + " (sentences_per_s_all_cores); the teacher on every core both ways (one call on ONNX Runtime's default"
                    + " threads, and one single-threaded worker per core), the faster as its sentences_per_s and in the ratios");
            s.put("cores", cores());
            return s;
        }
    }

    static String kindName(StudentKind kind) {
        return kind == StudentKind.BILSTM ? "bilstm" : "mlp";
    }

    static String lossName(DistillationLoss loss) {
        return loss.kind() == DistillationLoss.Kind.MSE ? "mse(logits)"
                : String.format(Locale.ROOT, "kl(T=%s)", trim(loss.temperature()));
    }

    private static String trim(float f) {
        return f == Math.rint(f) ? Integer.toString((int) f) : Float.toString(f);
    }

    /** Parameters of the teacher: its model's initializers (weights) plus its linear head. */
    private static long teacherParameters(Path bundle, TeacherManifest manifest, List<OnnxInitializers.Tensor> tensors)
            throws java.io.IOException {
        long count = tensors.stream().mapToLong(OnnxInitializers.Tensor::elements).sum();
        if (manifest.head().isPresent()) {
            LinearHead head = LinearHead.read(bundle.resolve(manifest.head().get()));
            count += (long) head.classes() * (head.inputSize() + 1);
        }
        return count;
    }

    static double accuracy(float[][] logits, int[] gold) {
        int right = 0;
        for (int i = 0; i < logits.length; i++) {
            right += TeacherMetrics.argmax(logits[i]) == gold[i] ? 1 : 0;
        }
        return (double) right / logits.length;
    }

    private static double positiveShare(float[][] logits) {
        int positive = 0;
        for (float[] row : logits) {
            positive += TeacherMetrics.argmax(row) == 1 ? 1 : 0;
        }
        return logits.length == 0 ? Double.NaN : (double) positive / logits.length;
    }

    static List<String> texts(List<LabelledSentence> sentences) {
        return sentences.stream().map(LabelledSentence::text).toList();
    }

    static int[] gold(List<LabelledSentence> sentences) {
        return sentences.stream().mapToInt(s -> UciSentiment.LABELS.indexOf(s.label())).toArray();
    }

    static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
