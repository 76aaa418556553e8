package io.distillery.teacher;

import java.util.Arrays;
import java.util.Locale;

/** The model formats a teacher bundle may hold, each with the DJL engine that runs it. */
public enum TeacherEngine {
    /** What exporting any fine-tuned Hugging Face classifier gives; the path for GPUs. */
    TORCHSCRIPT("torchscript", "PyTorch"),
    /** ONNX on OnnxRuntime: what the pretrained encoders on Maven Central ship. */
    ONNX("onnx", "OnnxRuntime");

    private final String manifestName;
    private final String djlEngineName;

    TeacherEngine(String manifestName, String djlEngineName) {
        this.manifestName = manifestName;
        this.djlEngineName = djlEngineName;
    }

    /** The name used in {@code teacher.properties}. */
    public String manifestName() {
        return manifestName;
    }

    /** The name DJL's {@code Criteria.optEngine} expects. */
    public String djlEngineName() {
        return djlEngineName;
    }

    /** Parses a manifest value such as {@code onnx}; the error lists the accepted names. */
    public static TeacherEngine fromManifest(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(e -> e.manifestName.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown engine '" + value + "': expected one of onnx, torchscript"));
    }
}
