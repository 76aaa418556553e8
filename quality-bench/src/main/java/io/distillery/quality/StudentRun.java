package io.distillery.quality;

import ai.djl.MalformedModelException;
import ai.djl.training.tracker.Tracker;
import io.distillery.student.Architecture;
import io.distillery.student.DistillationLoss;
import io.distillery.student.EmbeddingInit;
import io.distillery.student.QuickTraining;
import io.distillery.student.Student;
import io.distillery.student.StudentTokenizer;
import io.distillery.student.TrainingSession;
import io.distillery.student.WeightAverage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Trains one student on a {@link TrainingSet} with {@link TrainingSession} (Adam, clipping), evaluating
 * on the gold DEV set every {@code evalEvery} steps and keeping the weights of the best DEV accuracy
 * (earliest on ties); stops after {@code patience} evaluations without improvement (but not before
 * {@code minEpochs} passes over the set: a large transfer set must be seen more than once) or after
 * {@code maxEpochs}. TEST is only scored on the kept weights, by the caller. With an average decay, the
 * weights evaluated and kept are the moving average of the trained ones ({@link WeightAverage}).
 */
final class StudentRun {

    private static final int BATCHES_PER_POOL = 50;

    /** Hyper-parameters shared by every variant of one benchmark run. */
    record Settings(Architecture architecture, float learningRate, int batchSize, int minEpochs, int maxEpochs, int evalEvery,
                    int patience, long seed, float[] embeddings, boolean freezeEmbeddings, int cosineEpochs, float averageDecay) {
    }

    /** What a run produced; {@code student} holds the kept (best DEV) weights and must be closed. */
    record Outcome(Student student, double devAccuracy, long steps, double epochs, int evaluations, long bestStep,
                   double seconds, int examples, int skippedBatches) {
    }

    private StudentRun() {
    }

    static Outcome train(Settings settings, StudentTokenizer tokenizer, List<String> labels, TrainingSet set,
                         DistillationLoss loss, List<String> devTexts, int[] devGold) throws MalformedModelException {
        long started = System.nanoTime();
        try (Student student = Student.create(settings.architecture(), labels, tokenizer, settings.seed())) {
            if (settings.embeddings() != null) {
                initEmbeddings(student, settings.embeddings(), settings.freezeEmbeddings());
            }
            try (WeightAverage average = settings.averageDecay() > 0 ? new WeightAverage(student, settings.averageDecay()) : null) {
                return train(settings, tokenizer, labels, set, loss, devTexts, devGold, student, average, started);
            }
        }
    }

    /** The loop; evaluates and keeps {@code average}'s weights when there is one, else the trained ones. */
    private static Outcome train(Settings settings, StudentTokenizer tokenizer, List<String> labels, TrainingSet set,
                                 DistillationLoss loss, List<String> devTexts, int[] devGold, Student student,
                                 WeightAverage average, long started) throws MalformedModelException {
        Student evaluated = average == null ? student : average.student();
        DistillationLoss objective = set.teacher() == null ? DistillationLoss.hinton(1f, 0f) : loss;
        int batch = settings.batchSize();
        int stepsPerEpoch = (set.size() + batch - 1) / batch;
        Tracker rate = settings.cosineEpochs() <= 0 ? Tracker.fixed(settings.learningRate())
                : Tracker.cosine().setBaseValue(settings.learningRate()).optFinalValue(settings.learningRate() / 20)
                        .setMaxUpdates(settings.cosineEpochs() * stepsPerEpoch).build();
        TrainingSession session = new TrainingSession(student, objective, rate, 5f);
        Random random = new Random(settings.seed());
        double best = -1;
        byte[] bestWeights = null;
        long bestStep = 0;
        int evaluations = 0;
        int sinceBest = 0;
        long steps = 0;
        int skipped = 0;
        training:
        for (int epoch = 0; epoch < settings.maxEpochs(); epoch++) {
            List<int[]> batches = lengthBucketedBatches(set.texts(), batch, random);
            for (int b = 0; b < batches.size(); b++) {
                int[] slice = batches.get(b);
                List<String> texts = new ArrayList<>(slice.length);
                float[][] teacher = set.teacher() == null ? null : new float[slice.length][];
                int[] gold = set.gold() == null ? null : new int[slice.length];
                for (int k = 0; k < slice.length; k++) {
                    int i = slice[k];
                    texts.add(set.texts().get(i));
                    if (teacher != null) {
                        teacher[k] = set.teacher()[i];
                    } else {
                        gold[k] = set.gold()[i];
                    }
                }
                try {
                    session.step(texts, teacher, gold);
                } catch (IllegalStateException nonFinite) {
                    // TrainingSession refused the batch (non-finite gradient norm) and left the weights
                    // as they were: skip it, as the trainer service does, rather than lose the run.
                    skipped++;
                    Progress.log("  batch skipped: %s", nonFinite.getMessage());
                    continue;
                }
                if (average != null) {
                    average.update();
                }
                steps++;
                boolean endOfData = epoch == settings.maxEpochs() - 1 && b == batches.size() - 1;
                if (steps % settings.evalEvery() == 0 || endOfData) {
                    double dev = QuickTraining.accuracy(evaluated, devTexts, devGold, 256);
                    evaluations++;
                    if (dev > best) {
                        best = dev;
                        bestWeights = evaluated.weights();
                        bestStep = steps;
                        sinceBest = 0;
                    } else if (++sinceBest >= settings.patience() && epoch >= settings.minEpochs()) {
                        break training;
                    }
                }
            }
        }
        if (bestWeights == null) { // every evaluation point fell on a skipped batch
            best = QuickTraining.accuracy(evaluated, devTexts, devGold, 256);
            bestWeights = evaluated.weights();
        }
        Student kept = Student.load(settings.architecture(), labels, tokenizer, bestWeights);
        return new Outcome(kept, best, steps, (double) steps / stepsPerEpoch, evaluations, bestStep,
                (System.nanoTime() - started) / 1e9, set.size(), skipped);
    }

    /**
     * One epoch's batches: the examples shuffled, cut into pools of {@value #BATCHES_PER_POOL} batches,
     * each pool sorted by text length and cut into batches, and the batches shuffled. Batches of
     * similar lengths pad little, which the BiLSTM pays for per padded step (about 2x faster here);
     * the pools keep the batches' contents random from epoch to epoch.
     */
    static List<int[]> lengthBucketedBatches(List<String> texts, int batchSize, Random random) {
        List<Integer> order = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        List<int[]> batches = new ArrayList<>();
        int poolSize = batchSize * BATCHES_PER_POOL;
        for (int from = 0; from < order.size(); from += poolSize) {
            List<Integer> pool = new ArrayList<>(order.subList(from, Math.min(order.size(), from + poolSize)));
            pool.sort(Comparator.comparingInt(i -> texts.get(i).length()));
            for (int start = 0; start < pool.size(); start += batchSize) {
                batches.add(pool.subList(start, Math.min(pool.size(), start + batchSize)).stream().mapToInt(Integer::intValue).toArray());
            }
        }
        Collections.shuffle(batches, random);
        return batches;
    }

    /** Copies a starting table into the student's embeddings ({@link EmbeddingInit#apply}), optionally frozen. */
    static void initEmbeddings(Student student, float[] embeddings, boolean freeze) {
        EmbeddingInit.apply(student, embeddings);
        if (freeze) {
            student.block().getParameters().get("embedding").freeze(true);
        }
    }
}
