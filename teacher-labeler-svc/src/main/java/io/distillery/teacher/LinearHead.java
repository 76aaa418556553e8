package io.distillery.teacher;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A linear layer from a pooled vector to one logit per class: {@code logits = W·x + b}.
 * Applied in Java after pooling, so one encoder file can serve any label set.
 *
 * <p>File format ({@code head.bin}, big-endian): the magic {@code DTH1}, the number of classes,
 * the input size, the weights row by row (one row per class), then the biases.
 *
 * @param weights {@code [classes][inputSize]}
 * @param bias    {@code [classes]}
 */
public record LinearHead(float[][] weights, float[] bias) {

    private static final int MAGIC = 0x44544831; // "DTH1"

    public LinearHead {
        if (weights.length == 0 || weights.length != bias.length) {
            throw new IllegalArgumentException("a head needs one weight row and one bias per class, got "
                    + weights.length + " rows and " + bias.length + " biases");
        }
        for (float[] row : weights) {
            if (row.length != weights[0].length) {
                throw new IllegalArgumentException("weight rows differ in length");
            }
        }
    }

    public int classes() {
        return weights.length;
    }

    public int inputSize() {
        return weights[0].length;
    }

    /** The logits for one pooled vector. */
    public float[] apply(float[] x) {
        if (x.length != inputSize()) {
            throw new IllegalArgumentException("the head expects vectors of size " + inputSize()
                    + " but the model produced " + x.length + ": head and model do not belong together");
        }
        float[] logits = new float[classes()];
        for (int c = 0; c < logits.length; c++) {
            double sum = bias[c];
            float[] row = weights[c];
            for (int i = 0; i < row.length; i++) {
                sum += (double) row[i] * x[i];
            }
            logits[c] = (float) sum;
        }
        return logits;
    }

    public void write(Path file) {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(MAGIC);
            out.writeInt(classes());
            out.writeInt(inputSize());
            for (float[] row : weights) {
                for (float w : row) {
                    out.writeFloat(w);
                }
            }
            for (float b : bias) {
                out.writeFloat(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write head " + file, e);
        }
    }

    /** Reads a head file; a truncated or foreign file is refused with an {@link IOException}. */
    public static LinearHead read(Path file) throws IOException {
        long size = Files.size(file);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (size < 12 || in.readInt() != MAGIC) {
                throw new IOException(file + " is not a Distillery head file (no DTH1 magic)");
            }
            int classes = in.readInt();
            int inputSize = in.readInt();
            long expected = 12L + 4L * ((long) classes * inputSize + classes);
            if (classes < 1 || inputSize < 1 || size != expected) {
                throw new IOException(file + " is damaged: " + classes + " classes x " + inputSize
                        + " inputs need " + expected + " bytes, the file has " + size);
            }
            float[][] weights = new float[classes][inputSize];
            for (float[] row : weights) {
                for (int i = 0; i < inputSize; i++) {
                    row[i] = in.readFloat();
                }
            }
            float[] bias = new float[classes];
            for (int c = 0; c < classes; c++) {
                bias[c] = in.readFloat();
            }
            return new LinearHead(weights, bias);
        }
    }
}
