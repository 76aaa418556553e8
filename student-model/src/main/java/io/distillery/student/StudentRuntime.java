package io.distillery.student;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a service that trains or serves students sets up at start-up (the trainer and serving share it). */
public final class StudentRuntime {

    private StudentRuntime() {
    }

    /**
     * Natives come from Maven Central, so DJL must never download them (or phone home); one
     * intra-op thread, because on a busy 2-core machine two spin-wait for each other (README).
     * Explicit system properties win.
     */
    public static void configure() {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.setProperty("OPT_OUT_TRACKING", System.getProperty("OPT_OUT_TRACKING", "true"));
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
    }

    /**
     * The threads a student may use from now on, for this whole process: PyTorch's intra-op threads
     * (PyTorch keeps one pool), and with one thread no helper runs a BiLSTM's second direction
     * ({@link DirectionWorkers}, on by default). A benchmark trains on every core of a quiet machine,
     * then times inference on one.
     */
    public static void useThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        Engine.getEngine(Student.ENGINE); // loads the natives the call below needs
        JniUtils.setNumThreads(threads);
        DirectionWorkers.enable(threads > 1);
    }

    /**
     * The teacher bundle's tokenizer.json that a setting points at, with a message naming the
     * setting and its environment variable when it is not there.
     */
    public static StudentTokenizer tokenizer(String path, String name, String setting) {
        Path tokenizerJson = Path.of(path).toAbsolutePath();
        if (!Files.isRegularFile(tokenizerJson)) {
            String variable = setting.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
            throw new IllegalStateException("no tokenizer.json at " + tokenizerJson + ": point " + setting + " (" + variable
                    + ") at the teacher bundle's tokenizer.json");
        }
        try {
            return StudentTokenizer.load(tokenizerJson, name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizerJson, e);
        }
    }
}
