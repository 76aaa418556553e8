package io.distillery.trainer.service;

import io.distillery.student.DistillationLoss;
import io.distillery.trainer.LearningRateSchedule;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code distillery.trainer.*}: which student, how it trains, when it is evaluated and checkpointed. */
@ConfigMapping(prefix = "distillery.trainer")
public interface TrainerConfig {

    /** The student's name on student.checkpoints; a restarted trainer continues the latest checkpoint of it. */
    @WithDefault("mlp-sentiment")
    String lineage();

    /** The teacher bundle's tokenizer.json (student and teacher share the vocabulary). */
    @WithDefault(".distillery/teacher/default/tokenizer.json")
    String tokenizer();

    /** Name recorded in checkpoints for the tokenizer (its SHA-256 is what readers check). */
    @WithDefault("teacher-default")
    String tokenizerName();

    /** Class names in the student's output order; labelled texts are mapped to it by name. */
    @WithDefault("negative,positive")
    List<String> labels();

    Model model();

    /** Fresh examples per optimiser step. */
    @WithDefault("32")
    int batchSize();

    /**
     * A partial batch is trained when no full one has come for this long; full batches wait at
     * most this long for the rest of their length-bucket group.
     */
    @WithDefault("2s")
    Duration partialBatchAfter();

    /**
     * Full batches of fresh examples sorted by length together before their steps, so texts of
     * similar length share a batch: a BiLSTM pays for every padded token (1: arrival order).
     */
    @WithDefault("8")
    int lengthBucketBatches();

    /** Peak learning rate (Adam). */
    @WithDefault("0.001")
    float learningRate();

    @WithDefault("100")
    int warmupSteps();

    @WithDefault("INVERSE_SQRT")
    LearningRateSchedule.Decay decay();

    /** Steps of LINEAR or COSINE decay after the warm-up. */
    @WithDefault("10000")
    int decaySteps();

    @WithDefault("0.00001")
    float minLearningRate();

    /** Global gradient-norm clip (0: none). */
    @WithDefault("1.0")
    float clip();

    /** MSE (Tang, on logits) or KL (Hinton, T²-scaled). */
    @WithDefault("MSE")
    DistillationLoss.Kind loss();

    /** Weight of the distillation term where gold exists: (1-alpha)·CE + alpha·KD; 1 ignores gold. */
    @WithDefault("1.0")
    float alpha();

    /** T of the KL term. */
    @WithDefault("2.0")
    float temperature();

    @WithDefault("10000")
    int replaySize();

    /** Share of each batch drawn from the replay buffer, in [0, 1). */
    @WithDefault("0.2")
    double replayFraction();

    /**
     * Steps on replayed examples alone each step on fresh ones earns, taken while the trainer is
     * caught up with the stream: what it does with the time a slow teacher leaves it, so each
     * labelled example is learnt from several times, as over epochs (0: off).
     */
    @WithDefault("8")
    int rehearsalStepsPerStep();

    /** Evaluate on the gold dev set every this many steps (0: only at checkpoints). */
    @WithDefault("100")
    int evalEvery();

    /** Recent examples over which teacher agreement is measured. */
    @WithDefault("1000")
    int agreementWindow();

    @WithDefault("0")
    long seed();

    Checkpoint checkpoint();

    /** The consumer group the trainer commits its position to (monitoring only: it resumes from checkpoints). */
    @WithDefault("distillery-student-trainer")
    String groupId();

    interface Model {
        /** MLP (bag of embeddings, default: fast on CPU) or BILSTM. */
        @WithDefault("MLP")
        String architecture();

        @WithDefault("64")
        int maxLength();

        /** Embedding width; default 64 (MLP) or 300 (BiLSTM). */
        Optional<Integer> embeddingSize();

        /**
         * An embedding table a new lineage starts from instead of random values: the teacher
         * bundle's student-embeddings.bin (`./distillery teacher student-embeddings`), projected
         * to the embedding width. Resumed lineages keep their checkpoint's weights.
         */
        Optional<String> embeddings();

        /** MLP hidden or LSTM state size; default 64 (MLP) or 300 (BiLSTM). */
        Optional<Integer> hiddenSize();

        /** BiLSTM classifier hidden size; default 400. */
        Optional<Integer> classifierHiddenSize();

        /** Default 0.1 (MLP) or 0.15 (BiLSTM). */
        Optional<Float> dropout();
    }

    interface Checkpoint {
        /** Publish after this many steps since the last checkpoint (0: never by steps). */
        @WithDefault("500")
        int everySteps();

        /** ...or after this long, if any step was taken (0: never by time). */
        @WithDefault("5m")
        Duration every();
    }
}
