package io.distillery.teacher;

import io.distillery.teacher.fit.PretrainedEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Real bundles for tests, built from the quantized MiniLM on the test classpath. */
public final class TestBundles {

    static final List<String> ENCODER_INPUTS = List.of("input_ids", "attention_mask", "token_type_ids");

    private TestBundles() {
    }

    /** MiniLM-L6 int8 + the given head (384 inputs) as an ONNX bundle. */
    static Path miniLm(Path dir, LinearHead head, int maxLength) throws IOException {
        return bundle(dir, PretrainedEncoder.MINILM_L6_Q, head, maxLength);
    }

    /** A pretrained encoder from the test classpath + the given head as an ONNX bundle. */
    static Path bundle(Path dir, PretrainedEncoder encoder, LinearHead head, int maxLength) throws IOException {
        encoder.copyTo(dir);
        head.write(dir.resolve("head.bin"));
        TeacherManifest manifest = new TeacherManifest("test-" + encoder.cliName(), "sha256:pending", TeacherEngine.ONNX,
                PretrainedEncoder.MODEL_FILE, PretrainedEncoder.TOKENIZER_FILE, List.of("negative", "positive"),
                maxLength, encoder.pooling(), Optional.of("head.bin"), 2.0, ENCODER_INPUTS);
        manifest.withVersion(BundleVersion.compute(dir, manifest)).write(dir);
        return dir;
    }

    /** A fixed pseudo-random head: deterministic, not trained. */
    static LinearHead randomHead(int classes, int inputSize, long seed) {
        java.util.Random random = new java.util.Random(seed);
        float[][] weights = new float[classes][inputSize];
        float[] bias = new float[classes];
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < inputSize; i++) {
                weights[c][i] = (float) random.nextGaussian();
            }
            bias[c] = (float) random.nextGaussian();
        }
        return new LinearHead(weights, bias);
    }

    /** Cosine similarity of two vectors of the same length. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
