package io.distillery.teacher;

/**
 * How a teacher call uses the CPU.
 *
 * @param perCall threads one call may use; 0 leaves the engine's default (every core). Several
 *                labellers on one machine each take their share, so they do not fight over the
 *                same cores. PyTorch reads it once per process.
 * @param spin    whether ONNX Runtime's idle intra-op threads spin (its default) instead of
 *                blocking. Spinning wins a few per cent in a bare predictor loop and takes a core
 *                from everything else between calls: the Kafka client, the broker, the other
 *                services of a one-machine deployment. ONNX Runtime only.
 */
public record CpuThreads(int perCall, boolean spin) {

    /** Every core, idle threads block. */
    public static final CpuThreads DEFAULT = new CpuThreads(0, false);

    public CpuThreads {
        if (perCall < 0) {
            throw new IllegalArgumentException("intra-op threads must be 0 (engine default) or more, not " + perCall);
        }
    }

    /** At most {@code perCall} threads (0: every core), idle threads block. */
    public static CpuThreads perCall(int perCall) {
        return new CpuThreads(perCall, false);
    }

    @Override
    public String toString() {
        return (perCall == 0 ? "all" : Integer.toString(perCall)) + " CPU threads per call" + (spin ? ", spinning when idle" : "");
    }
}
