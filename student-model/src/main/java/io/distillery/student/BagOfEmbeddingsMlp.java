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
 * Seed 004's student: token embeddings, averaged over the real tokens (the attention mask keeps
 * padding out), one ReLU hidden layer, dropout, logits. Word order is invisible to it by design.
 * Input {@code (ids [B, L] int64, mask [B, L] int64)}, or the ids alone when no row is padded;
 * output {@code logits [B, C]}.
 */
public final class BagOfEmbeddingsMlp extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Architecture architecture;
    private final Parameter embedding;
    private final Linear hidden;
    private final Dropout dropout;
    private final Linear output;

    public BagOfEmbeddingsMlp(Architecture architecture) {
        super(VERSION);
        this.architecture = architecture;
        embedding = addParameter(Parameter.builder().setName("embedding").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(architecture.vocabSize(), architecture.embeddingSize()))
                .optInitializer(new NormalInitializer(EmbeddingInit.STUDENT_STD)).build());
        hidden = addChildBlock("hidden", Linear.builder().setUnits(architecture.hiddenSize()).build());
        dropout = addChildBlock("dropout", Dropout.builder().optRate(architecture.dropout()).build());
        output = addChildBlock("output", Linear.builder().setUnits(architecture.numClasses()).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray table = store.getValue(embedding, ids.getDevice(), training);
        NDArray embedded = ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).head();
        NDArray mean;
        if (inputs.size() < 2) { // no padding
            mean = embedded.mean(new int[] {1});
        } else {
            NDArray mask = inputs.get(1).toType(DataType.FLOAT32, false).expandDims(2);
            mean = embedded.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1f));
        }
        NDArray h = Activation.relu(hidden.forward(store, new NDList(mean), training).head());
        h = dropout.forward(store, new NDList(h), training).head();
        return output.forward(store, new NDList(h), training);
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
