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
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * Seed 004's student: token embeddings, averaged over the real tokens (the attention mask keeps
 * padding out), one ReLU hidden layer, dropout, logits. Word order is invisible to it by design,
 * unless hashed bigrams are on ({@link Architecture#bigramBuckets}): then the mean of the
 * neighbouring pairs' rows is added to the tokens' mean. That table starts at zero, so a new
 * student starts as the plain bag and learns the pairs as corrections.
 * Input {@code (ids [B, L] int64, mask [B, L] int64)}, output {@code logits [B, C]}.
 */
public final class BagOfEmbeddingsMlp extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Architecture architecture;
    private final Parameter embedding;
    private final Parameter bigrams;
    private final Linear hidden;
    private final Dropout dropout;
    private final Linear output;

    public BagOfEmbeddingsMlp(Architecture architecture) {
        super(VERSION);
        this.architecture = architecture;
        embedding = addParameter(Parameter.builder().setName("embedding").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(architecture.vocabSize(), architecture.embeddingSize()))
                .optInitializer(new NormalInitializer(EmbeddingInit.STUDENT_STD)).build());
        bigrams = architecture.bigramBuckets() == 0 ? null
                : addParameter(Parameter.builder().setName("bigram_embedding").setType(Parameter.Type.WEIGHT)
                        .optShape(new Shape(architecture.bigramBuckets(), architecture.embeddingSize()))
                        .optInitializer(Initializer.ZEROS).build());
        hidden = addChildBlock("hidden", Linear.builder().setUnits(architecture.hiddenSize()).build());
        dropout = addChildBlock("dropout", Dropout.builder().optRate(architecture.dropout()).build());
        output = addChildBlock("output", Linear.builder().setUnits(architecture.numClasses()).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.get(1).toType(DataType.FLOAT32, false).expandDims(2);
        NDArray table = store.getValue(embedding, ids.getDevice(), training);
        NDArray embedded = ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).head();
        NDArray mean = embedded.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1f));
        if (bigrams != null) {
            mean = mean.add(bigramMean(store, ids, inputs.get(1), training));
        }
        NDArray h = Activation.relu(hidden.forward(store, new NDList(mean), training).head());
        h = dropout.forward(store, new NDList(h), training).head();
        return output.forward(store, new NDList(h), training);
    }

    /** Mean of the bigram rows over each row's neighbouring real-token pairs ({@code [B, E]}; 0 for one token). */
    private NDArray bigramMean(ParameterStore store, NDArray ids, NDArray mask, boolean training) {
        int batch = (int) ids.getShape().get(0);
        int length = (int) ids.getShape().get(1);
        int pairs = Math.max(1, length - 1);
        long[] flatIds = ids.toType(DataType.INT64, false).toLongArray();
        long[] flatMask = mask.toType(DataType.INT64, false).toLongArray();
        long[] buckets = new long[batch * pairs];
        float[] real = new float[batch * pairs];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t + 1 < length; t++) {
                int at = b * length + t;
                if (flatMask[at] != 0 && flatMask[at + 1] != 0) {
                    buckets[b * pairs + t] = bucket(flatIds[at], flatIds[at + 1], architecture.bigramBuckets());
                    real[b * pairs + t] = 1f;
                }
            }
        }
        NDManager manager = ids.getManager();
        NDArray pairIds = manager.create(buckets, new Shape(batch, pairs));
        NDArray pairMask = manager.create(real, new Shape(batch, pairs)).expandDims(2);
        NDArray table = store.getValue(bigrams, ids.getDevice(), training);
        NDArray embedded = pairIds.getNDArrayInternal().embedding(pairIds, table, SparseFormat.DENSE).head();
        return embedded.mul(pairMask).sum(new int[] {1}).div(pairMask.sum(new int[] {1}).maximum(1f));
    }

    /**
     * The row of the pair (first, second): part of the checkpoint format, a trained table means
     * nothing under another hash. A SplitMix64 finaliser over both ids, ordered.
     */
    static long bucket(long first, long second, int buckets) {
        long h = first * 0x9E3779B97F4A7C15L + second;
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return Math.floorMod(h ^ (h >>> 31), buckets);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), architecture.numClasses())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long batch = inputShapes[0].get(0);
        hidden.initialize(manager, dataType, new Shape(batch, architecture.embeddingSize()));
        dropout.initialize(manager, dataType, new Shape(batch, architecture.hiddenSize()));
        output.initialize(manager, dataType, new Shape(batch, architecture.hiddenSize()));
    }
}
