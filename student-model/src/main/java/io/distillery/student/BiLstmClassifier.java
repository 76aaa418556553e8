package io.distillery.student;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * Tang et al.'s student as seed 001 builds it: embedding → one bidirectional LSTM layer →
 * [forward features at the last real token; backward features at the first] → Linear → ReLU →
 * dropout → Linear → logits. Input {@code (ids [B, L] int64, mask [B, L] int64)}, right-padded, or
 * the ids alone when no row is padded; output {@code logits [B, C]}. Rows with no real token are
 * treated as one token long.
 */
public final class BiLstmClassifier extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Architecture architecture;
    private final Parameter embedding;
    private final TorchOrderBiLstm lstm;
    private final Linear hidden;
    private final Dropout dropout;
    private final Linear output;

    public BiLstmClassifier(Architecture architecture) {
        super(VERSION);
        this.architecture = architecture;
        embedding = addParameter(Parameter.builder().setName("embedding").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(architecture.vocabSize(), architecture.embeddingSize()))
                .optInitializer(new NormalInitializer(EmbeddingInit.STUDENT_STD)).build());
        lstm = addChildBlock("lstm", new TorchOrderBiLstm(architecture.embeddingSize(), architecture.hiddenSize()));
        hidden = addChildBlock("hidden", Linear.builder().setUnits(architecture.classifierHiddenSize()).build());
        dropout = addChildBlock("dropout", Dropout.builder().optRate(architecture.dropout()).build());
        output = addChildBlock("output", Linear.builder().setUnits(architecture.numClasses()).build());
    }

    public TorchOrderBiLstm lstm() {
        return lstm;
    }

    /** Embeds ids {@code [B, L]} into {@code [B, L, E]}. */
    public NDArray embed(ParameterStore store, NDArray ids, boolean training) {
        NDArray table = store.getValue(embedding, ids.getDevice(), training);
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).head();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        int batch = (int) ids.getShape().get(0);
        int length = (int) ids.getShape().get(1);
        long[] flatMask = inputs.size() < 2 ? null : inputs.get(1).toType(DataType.INT64, false).toLongArray();
        NDArray features = length > 0 && (flatMask == null || unpadded(flatMask))
                ? unpaddedFeatures(store, ids, training)
                : paddedFeatures(store, ids, flatMask, batch, length, training);
        NDArray h = Activation.relu(hidden.forward(store, new NDList(features), training).head());
        if (training) { // inference dropout is the identity: no native call for it
            h = dropout.forward(store, new NDList(h), true).head();
        }
        return output.forward(store, new NDList(h), training);
    }

    private static boolean unpadded(long[] flatMask) {
        for (long m : flatMask) {
            if (m == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Every row full length (always so for one text). Inference with a free helper thread runs the
     * two directions as two calls at once ({@link DirectionWorkers}): forward over the tokens, reverse
     * over them flipped, each call's final state. Otherwise one fused bidirectional call's final
     * states (forward after the last token, reverse after the first). Both give the padded path's
     * features ({@code BiLstmTest}); batch-1 serving latency is mostly fixed cost per native call,
     * hence final states straight from PyTorch rather than indexing the per-step ones.
     */
    private NDArray unpaddedFeatures(ParameterStore store, NDArray ids, boolean training) {
        if (!training) {
            DirectionWorkers.Both<NDArray> directions = DirectionWorkers.tryBoth(
                    () -> lstm.finalState(store, embed(store, ids, false), false, false),
                    () -> lstm.finalState(store, embed(store, ids.flip(1), false), true, false));
            if (directions != null) {
                return directions.here().concat(directions.there(), 2).reshape(ids.getShape().get(0), 2L * lstm.hiddenSize());
            }
        }
        return lstm.finalStates(store, embed(store, ids, training), training);
    }

    private NDArray paddedFeatures(ParameterStore store, NDArray ids, long[] flatMask, int batch, int length,
                                   boolean training) {
        NDManager manager = ids.getManager();
        long[] flatIds = ids.toType(DataType.INT64, false).toLongArray();
        long[] reversed = new long[flatIds.length];
        float[] last = new float[flatIds.length];
        for (int b = 0; b < batch; b++) {
            int row = b * length;
            int n = 0;
            for (int t = 0; t < length; t++) {
                n += flatMask[row + t] != 0 ? 1 : 0;
            }
            n = Math.max(1, n);
            for (int t = 0; t < length; t++) {
                reversed[row + t] = t < n ? flatIds[row + n - 1 - t] : flatIds[row + t];
            }
            last[row + n - 1] = 1f;
        }
        Shape shape = new Shape(batch, length);
        NDArray x = embed(store, ids, training);
        NDArray xReversed = embed(store, manager.create(reversed, shape), training);
        return lstm.forward(store, new NDList(x, xReversed, manager.create(last, shape)), training).head();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), architecture.numClasses())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long batch = inputShapes[0].get(0);
        long length = inputShapes[0].get(1);
        Shape embedded = new Shape(batch, length, architecture.embeddingSize());
        lstm.initialize(manager, dataType, embedded, embedded, new Shape(batch, length));
        hidden.initialize(manager, dataType, new Shape(batch, 2L * architecture.hiddenSize()));
        dropout.initialize(manager, dataType, new Shape(batch, architecture.classifierHiddenSize()));
        output.initialize(manager, dataType, new Shape(batch, architecture.classifierHiddenSize()));
    }
}
