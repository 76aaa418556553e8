package io.distillery.teacher.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code distillery.teacher.*}: which teacher, where it runs, and how texts are batched. */
@ConfigMapping(prefix = "distillery.teacher")
public interface TeacherConfig {

    /** The teacher bundle directory (`./distillery teacher fit` writes the default one). */
    @WithDefault(".distillery/teacher/default")
    String bundleDir();

    /** auto (a GPU when the engine sees one, else the CPU), cpu or gpu (fails without one). */
    @WithDefault("auto")
    String device();

    /**
     * CPU threads one teacher call may use; empty: the engine's default (every core). When several
     * labellers share one machine's CPU, give each cores ÷ instances. PyTorch reads it once per process.
     */
    Optional<Integer> intraOpThreads();

    /**
     * Whether ONNX Runtime's idle intra-op threads spin (its own default) rather than block. Off:
     * a labeller shares its machine with Kafka clients and often with a broker or other services,
     * and a spinning thread takes their core between calls for a few per cent of bare throughput.
     */
    @WithDefault("false")
    boolean intraOpSpinning();

    /** The most texts per teacher call. */
    @WithDefault("32")
    int maxBatchSize();

    /**
     * Full batches per Kafka transaction; the labeller holds less than four times max-batch-size ×
     * this (a flush labelled while the next fills, each under twice that).
     */
    @WithDefault("4")
    int batchesPerFlush();

    /** The longest a text waits for batch mates. */
    @WithDefault("50ms")
    Duration maxWait();

    /**
     * Texts whose logits the labeller keeps (least recently used dropped first), so an input seen
     * again, such as a raw text serving escalates after the augmenter sent its original, costs no
     * second teacher call (RememberingLabeler); 0: ask the teacher every time. About 250 bytes each.
     */
    @WithDefault("50000")
    int rememberedTexts();

    /** Publish this temperature instead of the bundle's recommended one. */
    Optional<Double> temperature();

    /** Longer texts go to the dead-letter topic; shorter ones are truncated by the tokenizer. */
    @WithDefault("10000")
    int maxTextChars();

    /** The consumer group all instances share (application.properties puts the topic prefix in front). */
    @WithDefault("distillery-teacher-labeler")
    String groupId();

    /** Unique per instance; empty: group id + host name + a random suffix. */
    Optional<String> transactionalId();
}
