package io.distillery.trainer;

import io.distillery.schemas.StudentCheckpoint;
import io.distillery.student.Architecture;
import io.distillery.student.CheckpointCodec;
import io.distillery.student.QuickTraining;
import io.distillery.student.Student;
import io.distillery.student.StudentTokenizer;
import io.distillery.student.TrainingSession;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Continual distillation on one student, without Kafka: batches of fresh examples in, one
 * optimiser step each (fresh + replayed examples), rehearsal steps on replayed examples alone
 * when there is time, evaluation, and checkpoints out.
 *
 * <ul>
 *   <li><b>step</b>: the fresh examples are first scored by the student as it is (prequential
 *       teacher agreement: student argmax == teacher argmax, over the last
 *       {@code agreementWindow} examples), then trained on together with a reservoir sample of
 *       earlier ones, then offered to the reservoir; the position advances past them.</li>
 *   <li><b>evaluation</b> every {@code evalEvery} steps: accuracy on the gold dev set.</li>
 *   <li><b>snapshot</b>: {@link CheckpointCodec} with the metrics and the training position; the
 *       next snapshot names this one as its parent.</li>
 * </ul>
 * Single-threaded (PyTorch's autograd state is per thread): one thread owns a trainer.
 */
public final class Trainer implements AutoCloseable {

    /** What one step did. */
    public record StepResult(long step, float loss, int fresh, int replayed, float learningRate, double agreement) {
    }

    public static final String DEV_ACCURACY = "dev_accuracy";
    public static final String TEACHER_AGREEMENT = "teacher_agreement";
    public static final String TRAIN_LOSS = "train_loss";
    public static final String LEARNING_RATE = "learning_rate";
    public static final String REPLAY_SIZE = "replay_size";
    public static final String EXAMPLES = "examples";
    public static final String STEPS = "steps";

    /** Rehearsal batches are cut from one sample this many batches large (see {@link #rehearse}). */
    static final int REHEARSAL_POOL_BATCHES = 16;

    /** A step's replayed examples are the ones closest in length to its fresh ones among this many times as many drawn. */
    static final int REPLAY_CANDIDATES = 4;

    private final Student student;
    private final TrainerSettings settings;
    private final LearningRateSchedule schedule;
    private final TrainingSession session;
    private final ReplayBuffer<Example> replay;
    private final DevSet dev;
    private final Position position;
    private final ArrayDeque<Boolean> agreements = new ArrayDeque<>();
    private final ArrayDeque<List<Example>> rehearsalBatches = new ArrayDeque<>();
    private final Random rehearsalOrder;
    private int agreeing;
    private String parentId;
    private double devAccuracy = Double.NaN;
    private long devAccuracyStep = -1;
    private double lossAverage = Double.NaN;
    private float lastLoss = Float.NaN;

    private Trainer(Student student, TrainerSettings settings, DevSet dev, Position position, String parentId) {
        this.student = student;
        this.settings = settings;
        this.dev = dev;
        this.position = position;
        this.parentId = parentId;
        this.schedule = settings.schedule().continuingAfter(position.steps());
        this.session = new TrainingSession(student, settings.loss(), schedule, settings.maxGradNorm());
        this.replay = new ReplayBuffer<>(settings.replayCapacity(), settings.seed() ^ position.steps());
        // a seed other than the buffer's, so the batch order is not tied to the buffer's draws
        this.rehearsalOrder = new Random(settings.seed() ^ position.steps() ^ 0x5DEECE66DL);
    }

    /** A new lineage: freshly initialised weights, position zero. */
    public static Trainer fresh(Architecture architecture, List<String> labels, StudentTokenizer tokenizer,
                                TrainerSettings settings, DevSet dev) {
        Student student = Student.create(architecture, labels, tokenizer, settings.seed());
        return new Trainer(student, settings, dev, Position.empty(), null);
    }

    /**
     * Continues a lineage from its checkpoint: its weights, its position (steps, examples,
     * offsets), and it becomes the parent of the next checkpoint. The replay buffer and Adam's
     * moments are not in checkpoints: they start empty.
     */
    public static Trainer resume(StudentCheckpoint checkpoint, StudentTokenizer tokenizer, TrainerSettings settings, DevSet dev) {
        Student student = CheckpointCodec.decode(checkpoint, tokenizer);
        Trainer trainer = new Trainer(student, settings, dev, Position.fromAvro(checkpoint.getTrainingPosition()),
                checkpoint.getId().toString());
        checkpoint.getMetrics().forEach((k, v) -> {
            if (k.toString().equals(DEV_ACCURACY)) {
                trainer.devAccuracy = v;
            }
        });
        return trainer;
    }

    /** One optimiser step on {@code fresh} (non-empty) plus replayed examples. */
    public StepResult step(List<Example> fresh) {
        if (fresh.isEmpty()) {
            throw new IllegalArgumentException("no examples");
        }
        int classes = student.architecture().numClasses();
        for (Example e : fresh) {
            if (e.teacher().length != classes) {
                throw new IllegalArgumentException("example with " + e.teacher().length + " logits for " + classes + " classes");
            }
        }
        recordAgreement(fresh);
        List<Example> replayed = closestInLength(replay.sample(settings.replayCount(fresh.size()) * REPLAY_CANDIDATES),
                settings.replayCount(fresh.size()), medianLength(fresh));
        List<Example> batch = new ArrayList<>(fresh.size() + replayed.size());
        batch.addAll(fresh);
        batch.addAll(replayed);
        float loss = optimise(batch);
        for (Example e : fresh) {
            replay.offer(e);
            position.trained(e);
        }
        return stepped(loss, fresh.size(), replayed.size());
    }

    /**
     * One optimiser step on {@code size} examples drawn from the replay buffer alone (rehearsal),
     * or nothing while the buffer holds fewer. A trainer waiting on a slow teacher spends its idle
     * time this way, so each labelled example is learnt from more than once, as over epochs. The
     * data position does not move; the step count does (the learning-rate schedule counts
     * optimiser steps, and resumes from it).
     *
     * <p>The batches are cut from one sample of {@value #REHEARSAL_POOL_BATCHES} batches sorted by
     * length ({@link #bucketByLength}) and taken in a random order, one per call: a BiLSTM pays for
     * every padded step, and a random batch pads its short texts to its longest.
     */
    public Optional<StepResult> rehearse(int size) {
        if (size <= 0 || replay.size() < size) {
            return Optional.empty();
        }
        if (rehearsalBatches.isEmpty() || rehearsalBatches.peekFirst().size() != size) {
            rehearsalBatches.clear();
            rehearsalBatches.addAll(bucketByLength(replay.sample(size * REHEARSAL_POOL_BATCHES), size, rehearsalOrder));
        }
        List<Example> batch = rehearsalBatches.removeFirst();
        return Optional.of(stepped(optimise(batch), 0, batch.size()));
    }

    /**
     * The {@code count} examples of {@code pool} closest in text length to {@code length}: replayed
     * examples join a batch of fresh ones of similar length (the loop sorts those) without making it
     * pad to a longer text. Every length still gets replayed, as fresh batches of every length come.
     */
    static List<Example> closestInLength(List<Example> pool, int count, int length) {
        List<Example> sorted = new ArrayList<>(pool);
        sorted.sort(Comparator.comparingInt(e -> Math.abs(e.text().length() - length)));
        return sorted.subList(0, Math.min(count, sorted.size()));
    }

    private static int medianLength(List<Example> examples) {
        int[] lengths = examples.stream().mapToInt(e -> e.text().length()).sorted().toArray();
        return lengths[lengths.length / 2];
    }

    /**
     * {@code pool} sorted by text length (characters: a cheap stand-in for tokens) and cut into
     * batches of {@code size}, in a random order; a remainder smaller than a batch is dropped.
     */
    static List<List<Example>> bucketByLength(List<Example> pool, int size, Random order) {
        List<Example> sorted = new ArrayList<>(pool);
        sorted.sort(Comparator.comparingInt(e -> e.text().length()));
        List<List<Example>> batches = new ArrayList<>();
        for (int from = 0; from + size <= sorted.size(); from += size) {
            batches.add(List.copyOf(sorted.subList(from, from + size)));
        }
        Collections.shuffle(batches, order);
        return batches;
    }

    /** Forward, loss, backward, update on {@code batch}; the loss before the update. */
    private float optimise(List<Example> batch) {
        List<String> texts = batch.stream().map(Example::text).toList();
        float[][] teacher = batch.stream().map(Example::teacher).toArray(float[][]::new);
        int[] gold = batch.stream().mapToInt(Example::gold).toArray();
        float loss = session.step(texts, teacher, gold);
        if (!Float.isFinite(loss)) {
            throw new IllegalStateException("loss is " + loss + " at step " + (position.steps() + 1));
        }
        return loss;
    }

    private StepResult stepped(float loss, int fresh, int replayed) {
        position.stepped();
        lastLoss = loss;
        lossAverage = Double.isNaN(lossAverage) ? loss : 0.95 * lossAverage + 0.05 * loss;
        if (settings.evalEvery() > 0 && position.steps() % settings.evalEvery() == 0) {
            evaluate();
        }
        return new StepResult(position.steps(), loss, fresh, replayed, schedule.at(position.steps()), teacherAgreement());
    }

    /** A record that will not be trained on (dead-lettered): the position moves past it. */
    public void skip(String topic, int partition, long offset) {
        position.skipped(topic, partition, offset);
    }

    private void recordAgreement(List<Example> fresh) {
        float[][] logits = student.logits(fresh.stream().map(Example::text).toList());
        for (int i = 0; i < logits.length; i++) {
            boolean agree = Student.argmax(logits[i]) == fresh.get(i).teacherLabel();
            agreements.addLast(agree);
            agreeing += agree ? 1 : 0;
            while (agreements.size() > settings.agreementWindow()) {
                agreeing -= agreements.removeFirst() ? 1 : 0;
            }
        }
    }

    /** Accuracy on the gold dev set now (NaN without one). */
    public double evaluate() {
        if (dev.isEmpty()) {
            return Double.NaN;
        }
        devAccuracy = QuickTraining.accuracy(student, dev.texts(), dev.gold(), 128);
        devAccuracyStep = position.steps();
        return devAccuracy;
    }

    /** Fraction of the last {@code agreementWindow} fresh examples whose student argmax (before training on them) was the teacher's. */
    public double teacherAgreement() {
        return agreements.isEmpty() ? Double.NaN : (double) agreeing / agreements.size();
    }

    public double devAccuracy() {
        return devAccuracy;
    }

    /** Exponential moving average (0.95) of the batch loss. */
    public double lossAverage() {
        return lossAverage;
    }

    public float lastLoss() {
        return lastLoss;
    }

    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (!Double.isNaN(devAccuracy)) {
            m.put(DEV_ACCURACY, devAccuracy);
            m.put("dev_accuracy_step", (double) devAccuracyStep);
        }
        if (!Double.isNaN(teacherAgreement())) {
            m.put(TEACHER_AGREEMENT, teacherAgreement());
            m.put("teacher_agreement_window", (double) agreements.size());
        }
        if (!Double.isNaN(lossAverage)) {
            m.put(TRAIN_LOSS, lossAverage);
        }
        m.put(LEARNING_RATE, (double) schedule.at(Math.max(1, position.steps())));
        m.put(REPLAY_SIZE, (double) replay.size());
        m.put(EXAMPLES, (double) position.examples());
        m.put(STEPS, (double) position.steps());
        return m;
    }

    /**
     * The student as it is now, with its metrics and position; evaluates first when the last
     * evaluation is older than the weights. Call {@link #published} once it is out.
     */
    public StudentCheckpoint snapshot(String lineage, Instant createdAt) {
        if (!dev.isEmpty() && devAccuracyStep != position.steps()) {
            evaluate();
        }
        return CheckpointCodec.encode(student, lineage, parentId, position.toAvro(), metrics(), createdAt);
    }

    /** A snapshot reached student.checkpoints: the next one names it as its parent. */
    public void published(StudentCheckpoint checkpoint) {
        parentId = checkpoint.getId().toString();
    }

    /** A copy of the position. */
    public Position position() {
        return Position.fromAvro(position.toAvro());
    }

    public String parentId() {
        return parentId;
    }

    public ReplayBuffer<Example> replay() {
        return replay;
    }

    public LearningRateSchedule schedule() {
        return schedule;
    }

    public Student student() {
        return student;
    }

    @Override
    public void close() {
        student.close();
    }
}
