package io.distillery.student;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import io.distillery.schemas.StudentKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * A student network with its weights, label names and tokenizer: texts in, logits out. Inference
 * ({@link #logits}, {@link #probabilities}, {@link #predict}) may be called from several threads;
 * training goes through {@link TrainingSession}. Owns its NDManager (closing the student frees the
 * weights); the tokenizer is shared and not closed here.
 */
public final class Student implements AutoCloseable {

    /** The engine every student runs on. */
    public static final String ENGINE = "PyTorch";

    private final Architecture architecture;
    private final List<String> labels;
    private final StudentTokenizer tokenizer;
    private final NDManager manager;
    private final AbstractBlock block;

    private Student(Architecture architecture, List<String> labels, StudentTokenizer tokenizer, NDManager manager,
                    AbstractBlock block) {
        this.architecture = architecture;
        this.labels = List.copyOf(labels);
        this.tokenizer = tokenizer;
        this.manager = manager;
        this.block = block;
    }

    /** A freshly initialised student; {@code seed} makes the initial weights reproducible. */
    public static Student create(Architecture architecture, List<String> labels, StudentTokenizer tokenizer, long seed) {
        check(architecture, labels, tokenizer);
        Engine.getEngine(ENGINE).setRandomSeed((int) seed);
        NDManager manager = NDManager.newBaseManager(Device.cpu(), ENGINE);
        try {
            AbstractBlock block = network(architecture);
            Shape tokens = new Shape(1, architecture.maxLength());
            block.initialize(manager, DataType.FLOAT32, tokens, tokens);
            return new Student(architecture, labels, tokenizer, manager, block);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** A student from weights written by {@link #weights()} for the same architecture. */
    public static Student load(Architecture architecture, List<String> labels, StudentTokenizer tokenizer,
                               byte[] weights) throws MalformedModelException {
        check(architecture, labels, tokenizer);
        NDManager manager = NDManager.newBaseManager(Device.cpu(), ENGINE);
        try {
            AbstractBlock block = network(architecture);
            block.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(weights)));
            checkShapes(architecture, block);
            return new Student(architecture, labels, tokenizer, manager, block);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw new MalformedModelException("weights do not fit " + architecture + ": " + e.getMessage(), e);
        } catch (MalformedModelException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * DJL's parameter stream carries its own shapes, so weights of another size would load
     * "successfully": compare every tensor with what the architecture builds.
     */
    private static void checkShapes(Architecture architecture, AbstractBlock loaded) throws MalformedModelException {
        AbstractBlock expected = network(architecture);
        try (NDManager scratch = NDManager.newBaseManager(Device.cpu(), ENGINE)) {
            Shape tokens = new Shape(1, architecture.maxLength());
            expected.initialize(scratch, DataType.FLOAT32, tokens, tokens);
            var want = expected.getParameters();
            var have = loaded.getParameters();
            if (want.size() != have.size()) {
                throw new MalformedModelException(have.size() + " tensors, the architecture has " + want.size());
            }
            for (int i = 0; i < want.size(); i++) {
                Shape w = want.get(i).getValue().getArray().getShape();
                Shape h = have.get(i).getValue().getArray().getShape();
                if (!w.equals(h) || !want.get(i).getKey().equals(have.get(i).getKey())) {
                    throw new MalformedModelException("tensor " + have.get(i).getKey() + " " + h + " where the architecture has "
                            + want.get(i).getKey() + " " + w);
                }
            }
        }
    }

    /** The untrained network for an architecture. */
    public static AbstractBlock network(Architecture architecture) {
        StudentKind kind = architecture.kind();
        return switch (kind) {
            case BAG_OF_EMBEDDINGS_MLP -> new BagOfEmbeddingsMlp(architecture);
            case BILSTM -> new BiLstmClassifier(architecture);
        };
    }

    private static void check(Architecture architecture, List<String> labels, StudentTokenizer tokenizer) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        if (labels.size() != architecture.numClasses()) {
            throw new IllegalArgumentException(labels.size() + " label names for " + architecture.numClasses() + " classes");
        }
        if (tokenizer.vocabSize() != architecture.vocabSize()) {
            throw new IllegalArgumentException("tokenizer " + tokenizer.reference().name() + " has " + tokenizer.vocabSize()
                    + " tokens, the architecture " + architecture.vocabSize());
        }
    }

    /** The parameters in DJL's {@code Block.saveParameters} format (checkpoint format version 1). */
    public byte[] weights() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            block.saveParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Number of trainable scalars. */
    public long parameterCount() {
        return block.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    /** Raw logits, one row per text, in {@link #labels()} order. */
    public float[][] logits(List<String> texts) {
        if (texts.isEmpty()) {
            return new float[0][];
        }
        // without NoGrad, inference on a serving thread would record an autograd graph
        try (NoGrad noGrad = NoGrad.enter(); NDManager scope = manager.newSubManager()) {
            TokenBatch batch = tokenizer.encode(texts, architecture.maxLength());
            NDArray logits = forward(scope, batch, false);
            float[] flat = logits.toFloatArray();
            int classes = architecture.numClasses();
            float[][] rows = new float[texts.size()][classes];
            for (int b = 0; b < rows.length; b++) {
                System.arraycopy(flat, b * classes, rows[b], 0, classes);
            }
            return rows;
        }
    }

    /** Softmax of the logits. */
    public float[][] probabilities(List<String> texts) {
        float[][] logits = logits(texts);
        float[][] probabilities = new float[logits.length][];
        for (int b = 0; b < logits.length; b++) {
            double[] p = ReferenceLosses.softmax(logits[b], 1);
            probabilities[b] = new float[p.length];
            for (int c = 0; c < p.length; c++) {
                probabilities[b][c] = (float) p[c];
            }
        }
        return probabilities;
    }

    /** The most likely label name per text. */
    public List<String> predict(List<String> texts) {
        return java.util.Arrays.stream(logits(texts)).map(row -> labels.get(argmax(row))).toList();
    }

    public static int argmax(float[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * Logits {@code [B, C]} for a tokenized batch, created in {@code scope}. The networks take
     * {@code (ids, mask)}, or the ids alone when no row is padded (one native array fewer to create
     * and read back: serving's single texts).
     */
    public NDArray forward(NDManager scope, TokenBatch batch, boolean training) {
        Shape shape = new Shape(batch.size(), batch.length());
        NDArray ids = scope.create(batch.flatIds(), shape);
        NDList inputs = batch.padded() ? new NDList(ids, scope.create(batch.flatMask(), shape)) : new NDList(ids);
        return block.forward(new ParameterStore(scope, false), inputs, training).head();
    }

    public Architecture architecture() {
        return architecture;
    }

    public List<String> labels() {
        return labels;
    }

    public StudentTokenizer tokenizer() {
        return tokenizer;
    }

    /** The DJL network (for training and tests). */
    public AbstractBlock block() {
        return block;
    }

    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
