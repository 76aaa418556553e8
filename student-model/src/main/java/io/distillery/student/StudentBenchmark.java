package io.distillery.student;

import ai.djl.training.tracker.Tracker;
import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.UciSentiment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Inference (and, with {@code --train}, training) throughput of the default MLP and BiLSTM students
 * on UCI sentences, end to end (tokenization included), one JSON line per measurement:
 * <pre>
 *   mvn -o -f student-model/pom.xml test-compile exec:java [-Dexec.args="--seconds 10 --batch 64 --train --tokenizer path/to/tokenizer.json"]
 * </pre>
 * Without {@code --tokenizer} it reads MiniLM's tokenizer.json from the classpath (the test
 * classpath holds langchain4j's jar). Weights are random: throughput does not depend on them.
 */
public final class StudentBenchmark {

    private static final String CLASSPATH_TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";

    private StudentBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = 10;
        int batchSize = 64;
        boolean train = false;
        Path tokenizerPath = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--batch" -> batchSize = Integer.parseInt(args[++i]);
                case "--train" -> train = true;
                case "--tokenizer" -> tokenizerPath = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --seconds N, --batch N, --train, --tokenizer FILE)");
            }
        }
        List<String> texts = UciSentiment.all().stream().map(LabelledSentence::text).toList();
        try (StudentTokenizer tokenizer = tokenizer(tokenizerPath)) {
            for (Architecture architecture : List.of(Architecture.mlp(tokenizer.vocabSize(), 2),
                    Architecture.bilstm(tokenizer.vocabSize(), 2))) {
                try (Student student = Student.create(architecture, UciSentiment.LABELS, tokenizer, 1)) {
                    inference(student, texts, batchSize, seconds);
                    if (train) {
                        training(student, texts, batchSize, seconds);
                    }
                }
            }
        }
    }

    private static StudentTokenizer tokenizer(Path path) throws IOException {
        if (path != null) {
            return StudentTokenizer.load(path, path.toString());
        }
        try (InputStream in = StudentBenchmark.class.getResourceAsStream(CLASSPATH_TOKENIZER)) {
            if (in == null) {
                throw new IOException(CLASSPATH_TOKENIZER + " not on the classpath: pass --tokenizer FILE or run with the test classpath");
            }
            return StudentTokenizer.fromBytes(in.readAllBytes(), "minilm-l6-q");
        }
    }

    private static List<List<String>> batches(List<String> texts, int batchSize) {
        List<List<String>> batches = new ArrayList<>();
        for (int from = 0; from + batchSize <= texts.size(); from += batchSize) {
            batches.add(texts.subList(from, from + batchSize));
        }
        return batches;
    }

    private static void inference(Student student, List<String> texts, int batchSize, double seconds) {
        List<List<String>> batches = batches(texts, batchSize);
        for (int i = 0; i < 5; i++) {
            student.logits(batches.get(i % batches.size()));
        }
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long sentences = 0;
        int done = 0;
        while (System.nanoTime() < deadline) {
            sentences += student.logits(batches.get(done++ % batches.size())).length;
        }
        report(student, "inference", batchSize, sentences, done, System.nanoTime() - start);
    }

    private static void training(Student student, List<String> texts, int batchSize, double seconds) {
        List<List<String>> batches = batches(texts, batchSize);
        int[] gold = new int[batchSize];
        TrainingSession session = new TrainingSession(student, DistillationLoss.hinton(1f, 0f), Tracker.fixed(1e-3f), 5f);
        for (int i = 0; i < 3; i++) {
            session.step(batches.get(i), null, gold);
        }
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long sentences = 0;
        int done = 0;
        while (System.nanoTime() < deadline) {
            session.step(batches.get(done++ % batches.size()), null, gold);
            sentences += batchSize;
        }
        report(student, "train", batchSize, sentences, done, System.nanoTime() - start);
    }

    private static void report(Student student, String mode, int batchSize, long sentences, int batches, long nanos) {
        double secs = nanos / 1e9;
        System.out.printf(Locale.ROOT,
                "{\"model\":\"%s\",\"mode\":\"%s\",\"batch\":%d,\"sentences_per_s\":%.1f,\"ms_per_batch\":%.2f,"
                        + "\"batches\":%d,\"parameters\":%d,\"max_length\":%d,\"cores\":%d,\"torch_threads\":\"%s\"}%n",
                student.architecture().kind().name().toLowerCase(Locale.ROOT), mode, batchSize, sentences / secs,
                secs * 1000 / batches, batches, student.parameterCount(), student.architecture().maxLength(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("ai.djl.pytorch.num_threads", "default"));
    }
}
