package io.distillery.serving.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code distillery.serving.*} (env {@code DISTILLERY_SERVING_*}): what is served, how it is routed and rolled out. */
@ConfigMapping(prefix = "distillery.serving")
public interface ServingConfig {

    /** What to do with text.raw while no checkpoint is live. */
    enum WithoutModel {
        /** Escalate every text to the teacher: the switch architecture with a student that is never sure. */
        ESCALATE,
        /** Leave text.raw unconsumed until a checkpoint is live. */
        WAIT
    }

    /** The student lineage this deployment serves and rolls out (the trainer's distillery.trainer.lineage). */
    @WithDefault("mlp-sentiment")
    String lineage();

    /** The teacher bundle's tokenizer.json (students are trained with it; checkpoints of another are refused). */
    @WithDefault(".distillery/teacher/default/tokenizer.json")
    String tokenizer();

    /** Name recorded for the tokenizer (its SHA-256 is what is compared). */
    @WithDefault("teacher-default")
    String tokenizerName();

    /**
     * A student answer whose top-class probability is below this goes to the teacher (text.escalated) instead of
     * text.predictions; 0 turns escalation off. Default 0.6: for two classes, texts where the runner-up gets 40 % or
     * more, the "hard" tail seed 004 sends to the teacher. Watch distillery_serving_escalation_fraction to tune it.
     */
    @WithDefault("0.6")
    double escalationThreshold();

    @WithDefault("ESCALATE")
    WithoutModel withoutModel();

    /** A new checkpoint is promoted automatically unless its dev accuracy is worse than live's by more than this. */
    @WithDefault("0.01")
    double promotionMargin();

    /** A checkpoint below this dev accuracy is never promoted automatically (0: no floor). */
    @WithDefault("0.0")
    double minDevAccuracy();

    /** Bearer token for POST /rollouts; without one the control plane answers 503 (reads stay open). Never logged. */
    Optional<String> controlToken();

    /** The most records per micro-batch (one poll, one Kafka transaction). */
    @WithDefault("64")
    int maxBatchSize();

    /**
     * How long a raw text may wait for batch mates (the broker holds the fetch): each micro-batch is
     * one Kafka transaction, and at tens of texts a second one per text or two costs the broker more
     * than the predictions cost serving. 0: fetch as soon as anything arrives.
     */
    @WithDefault("50ms")
    Duration maxWait();

    /** Longer texts go to text.raw.dlq (and are refused by POST /predict). */
    @WithDefault("2000")
    int maxTextChars();

    /** The most texts per POST /predict. */
    @WithDefault("32")
    int predictMaxTexts();

    /** Checkpoints kept in memory beyond those the rollout state refers to (for PROMOTE/ROLLBACK by id). */
    @WithDefault("8")
    int checkpointCacheSize();

    /** Paired predictions over which shadow and canary agreement with live are measured. */
    @WithDefault("1000")
    int agreementWindow();

    /** How long POST /rollouts waits for the controller's event before answering with the command id alone. */
    @WithDefault("5s")
    Duration commandWait();

    /** The consumer group of the prediction loop (application.properties puts the topic prefix in front). */
    @WithDefault("distillery-serving")
    String groupId();

    /** The group whose single member holding student.rollouts is the rollout controller ("-<lineage>" is appended). */
    @WithDefault("distillery-serving-controller")
    String controllerGroupId();

    /** Unique per instance; empty: group id + host name + a random suffix. */
    Optional<String> transactionalId();
}
