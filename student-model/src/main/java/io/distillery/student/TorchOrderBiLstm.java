package io.distillery.student;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One bidirectional LSTM layer whose parameters are handed to PyTorch in the order it expects.
 *
 * <p><b>Why not {@code ai.djl.nn.recurrent.LSTM}:</b> DJL 0.35.1 registers a recurrent block's
 * parameters grouped by type: every weight of both directions, then every bias
 * ({@code [w_ih, w_hh, w_ih_reverse, w_hh_reverse, b_ih, b_hh, b_ih_reverse, b_hh_reverse]}), and
 * passes that list straight to {@code torch::lstm}, which reads it per direction as
 * {@code [w_ih, w_hh, b_ih, b_hh, w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse]}. The
 * reverse direction's weights land in the forward biases' slots: a shape error, or NaN/garbage in
 * backward. (Unidirectional is unaffected: its one direction already reads {@code [w, w, b, b]}.)
 *
 * <p>This block registers its eight tensors in PyTorch's order, initialised as PyTorch does
 * (uniform ±1/√hidden), and calls the same native {@code lstm} op. Biases are kept: the
 * alternative, {@code hasBiases(false)} plus our own bias, would need an extra broadcast add per
 * gate and give a different parameterisation from every PyTorch BiLSTM.
 *
 * <p>Padding: DJL has no packed sequences, and a plain bidirectional pass over a right-padded batch
 * lets the reverse direction read the padding before the real tokens. {@link #forwardInternal}
 * therefore runs each direction as its own single-direction call: forward over the tokens as they
 * are, reverse over each row's real tokens reversed (padding stays at the end), and takes both at
 * each row's last real step. That is exactly what Tang's {@code pack_padded_sequence} version
 * computes. {@link #fused} runs the single bidirectional call (for unpadded batches, and to prove
 * the parameter order: both paths agree there); {@link #finalStates} and {@link #finalState} give
 * the final states of unpadded rows from the fused call or from one direction's call.
 */
public final class TorchOrderBiLstm extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final int GATES = 4;

    private final int inputSize;
    private final int hiddenSize;
    /** In PyTorch's order: forward w_ih, w_hh, b_ih, b_hh, then the same for reverse. */
    private final Parameter[] ordered = new Parameter[8];
    /** (h0, c0) = 0 by state shape {@code [directions, B, hidden]}, in the weights' manager. */
    private final Map<Shape, NDList> zeroStates = new ConcurrentHashMap<>();

    public TorchOrderBiLstm(int inputSize, int hiddenSize) {
        super(VERSION);
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        UniformInitializer init = new UniformInitializer((float) (1.0 / Math.sqrt(hiddenSize)));
        String[] suffixes = {"", "_reverse"};
        int i = 0;
        for (String suffix : suffixes) {
            ordered[i++] = param("weight_ih_l0" + suffix, Parameter.Type.WEIGHT, new Shape(GATES * hiddenSize, inputSize), init);
            ordered[i++] = param("weight_hh_l0" + suffix, Parameter.Type.WEIGHT, new Shape(GATES * hiddenSize, hiddenSize), init);
            ordered[i++] = param("bias_ih_l0" + suffix, Parameter.Type.BIAS, new Shape(GATES * hiddenSize), init);
            ordered[i++] = param("bias_hh_l0" + suffix, Parameter.Type.BIAS, new Shape(GATES * hiddenSize), init);
        }
    }

    private Parameter param(String name, Parameter.Type type, Shape shape, UniformInitializer init) {
        return addParameter(Parameter.builder().setName(name).setType(type).optShape(shape).optInitializer(init).build());
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    /**
     * @param inputs {@code x [B, L, in]} (right-padded), {@code xReversed [B, L, in]} (each row's
     *               real steps reversed, padding left at the end), {@code last [B, L]} (1 at each
     *               row's last real step, else 0)
     * @return {@code [B, 2·hidden]}: forward state after the last real token, reverse state after
     *         reading back to the first token
     */
    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray xReversed = inputs.get(1);
        NDArray last = inputs.get(2).expandDims(2);
        NDArray forward = run(store, x, 0, false, training).head().mul(last).sum(new int[] {1});
        NDArray reverse = run(store, xReversed, 4, false, training).head().mul(last).sum(new int[] {1});
        return new NDList(forward.concat(reverse, 1));
    }

    /** The single fused bidirectional call: {@code x [B, L, in]} → {@code [B, L, 2·hidden]}. */
    public NDArray fused(ParameterStore store, NDArray x, boolean training) {
        return run(store, x, 0, true, training).head();
    }

    /**
     * The fused call's final states for rows without padding: {@code [B, 2·hidden]}, forward after
     * the last token, reverse after reading back to the first. (PyTorch returns them beside the
     * per-step states: no indexing op needed.)
     */
    public NDArray finalStates(ParameterStore store, NDArray x, boolean training) {
        NDArray last = run(store, x, 0, true, training).get(1); // [2, B, hidden]
        return last.transpose(1, 0, 2).reshape(x.getShape().get(0), 2L * hiddenSize);
    }

    /**
     * One direction's single call over rows without padding, its final state {@code [1, B, hidden]}
     * (the reverse direction's weights read {@code x} front to back: pass it flipped).
     */
    public NDArray finalState(ParameterStore store, NDArray x, boolean reverse, boolean training) {
        return run(store, x, reverse ? 4 : 0, false, training).get(1);
    }

    /** PyTorch's lstm: per-step states, final states, final cells. */
    private NDList run(ParameterStore store, NDArray x, int first, boolean bidirectional, boolean training) {
        int count = bidirectional ? 8 : 4;
        NDList weights = new NDList(count);
        for (int i = first; i < first + count; i++) {
            weights.add(store.getValue(ordered[i], x.getDevice(), training));
        }
        Shape stateShape = new Shape(bidirectional ? 2 : 1, x.getShape().get(0), hiddenSize);
        // The zero start state is read, never written: one per shape, kept with the weights, saves
        // two native calls per LSTM call.
        NDList state = zeroStates.computeIfAbsent(stateShape, shape -> {
            NDManager owner = weights.head().getManager();
            NDArray zeros = owner.zeros(shape, x.getDataType());
            return new NDList(zeros, zeros);
        });
        return x.getNDArrayInternal().lstm(x, state, weights, true, 1, 0.0, training, bidirectional, true);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), 2L * hiddenSize)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children; parameter shapes are fixed at construction
    }

    @Override
    public String toString() {
        return "TorchOrderBiLstm(" + inputSize + " -> 2x" + hiddenSize + ")";
    }
}
