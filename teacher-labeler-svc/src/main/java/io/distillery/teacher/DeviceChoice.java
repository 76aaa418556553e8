package io.distillery.teacher;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** Where the teacher runs: {@code auto} takes a GPU when the engine sees one, else the CPU. */
public enum DeviceChoice {
    AUTO, CPU, GPU;

    public static DeviceChoice parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown device '" + value + "': expected auto, cpu or gpu", e);
        }
    }

    /**
     * The device for an engine. Asking for a GPU where there is none fails rather than quietly
     * running a hundred times slower on the CPU.
     */
    public Device resolve(TeacherEngine engine) {
        return switch (this) {
            case CPU -> Device.cpu();
            case AUTO -> gpuCount(engine) > 0 ? Device.gpu() : Device.cpu();
            case GPU -> {
                if (gpuCount(engine) == 0) {
                    throw new IllegalStateException("device gpu requested, but " + engine.djlEngineName()
                            + " sees no GPU (no CUDA device, or CPU-only native libraries on the classpath)");
                }
                yield Device.gpu();
            }
        };
    }

    /** Asked only when needed: OnnxRuntime's CPU build logs a CUDA warning on every query. */
    private static int gpuCount(TeacherEngine engine) {
        return Engine.getEngine(engine.djlEngineName()).getGpuCount();
    }
}
