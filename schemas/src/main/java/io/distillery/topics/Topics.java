package io.distillery.topics;

import io.distillery.schemas.AugmentedText;
import io.distillery.schemas.EscalatedText;
import io.distillery.schemas.LabeledText;
import io.distillery.schemas.Prediction;
import io.distillery.schemas.RawText;
import io.distillery.schemas.RolloutCommand;
import io.distillery.schemas.RolloutEvent;
import io.distillery.schemas.StudentCheckpoint;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The topic catalogue: every topic Distillery reads or writes, in one place. Creating topics
 * (launcher, tests, compose) and configuring serdes (every service) go through these entries.
 *
 * <pre>
 * text.raw ─► augmenter ─► text.augmented ─► teacher-labeler ─► text.labeled ─► student-trainer
 *    │                                          ▲                                  │
 *    │                          text.escalated  │                      student.checkpoints
 *    └────────────────────────────────────► serving ◄──────────────────────────────┘
 *                        text.predictions ◄──┘  ▲── student.rollouts / student.rollout-events
 * </pre>
 */
public final class Topics {

    /** Kafka's default largest record (1 MiB); topics above it need client overrides. */
    static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
    /** Checkpoints carry the student's weights: a BiLSTM over a 30k vocabulary is ~20 MB. */
    static final int CHECKPOINT_MAX_RECORD_BYTES = 64 * 1024 * 1024;
    /** Stream topics are split this many ways: the most replicas of one service that share work. */
    static final int STREAM_PARTITIONS = 6;

    private static final String DEAD_LETTER_SUFFIX = ".dlq";

    public static final Topic<RawText> TEXT_RAW = stream("text.raw", RawText.class, Duration.ofDays(7));
    public static final Topic<AugmentedText> TEXT_AUGMENTED =
            stream("text.augmented", AugmentedText.class, Duration.ofDays(3));
    public static final Topic<LabeledText> TEXT_LABELED = stream("text.labeled", LabeledText.class, Duration.ofDays(30));
    public static final Topic<EscalatedText> TEXT_ESCALATED =
            stream("text.escalated", EscalatedText.class, Duration.ofDays(3));
    public static final Topic<Prediction> TEXT_PREDICTIONS =
            new Topic<>("text.predictions", Prediction.class, Topic.ValueFormat.AVRO, STREAM_PARTITIONS,
                    retention(Duration.ofDays(7)), DEFAULT_MAX_RECORD_BYTES, false);

    /** One partition: checkpoints are totally ordered. Kept until 4 GiB, so rollbacks find old ones. */
    public static final Topic<StudentCheckpoint> STUDENT_CHECKPOINTS = new Topic<>(
            "student.checkpoints", StudentCheckpoint.class, Topic.ValueFormat.AVRO, 1,
            Map.of("cleanup.policy", "delete",
                    "retention.ms", "-1",
                    "retention.bytes", String.valueOf(4L * 1024 * 1024 * 1024),
                    "max.message.bytes", String.valueOf(CHECKPOINT_MAX_RECORD_BYTES)),
            CHECKPOINT_MAX_RECORD_BYTES, true);

    /** Commands from REST and the CLI; small, kept forever as the audit trail. */
    public static final Topic<RolloutCommand> STUDENT_ROLLOUTS = new Topic<>(
            "student.rollouts", RolloutCommand.class, Topic.ValueFormat.AVRO, 1,
            Map.of("cleanup.policy", "delete", "retention.ms", "-1"), DEFAULT_MAX_RECORD_BYTES, true);

    /** Decisions with the full resulting state, keyed by lineage: compaction keeps the current state. */
    public static final Topic<RolloutEvent> STUDENT_ROLLOUT_EVENTS = new Topic<>(
            "student.rollout-events", RolloutEvent.class, Topic.ValueFormat.AVRO, 1,
            Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", String.valueOf(Duration.ofHours(1).toMillis())),
            DEFAULT_MAX_RECORD_BYTES, false);

    private Topics() {
    }

    /** Every data topic, in pipeline order. */
    public static List<Topic<?>> dataTopics() {
        return List.of(TEXT_RAW, TEXT_AUGMENTED, TEXT_LABELED, TEXT_ESCALATED, TEXT_PREDICTIONS,
                STUDENT_CHECKPOINTS, STUDENT_ROLLOUTS, STUDENT_ROLLOUT_EVENTS);
    }

    /** Every topic the system needs: the data topics and their dead-letter topics. */
    public static List<Topic<?>> all() {
        return dataTopics().stream()
                .flatMap(t -> Stream.concat(Stream.of(t), t.deadLetterTopic().stream()))
                .toList();
    }

    /**
     * Admin requests for every topic, each name behind {@code prefix} ("" for none). A prefix lets
     * several deployments (or test classes) share one cluster without seeing each other's records.
     */
    public static List<NewTopic> newTopics(String prefix, short replicationFactor) {
        return all().stream().map(t -> t.withPrefix(prefix).newTopic(replicationFactor)).toList();
    }

    /** The dead-letter topic name of a topic: {@code <topic>.dlq}. */
    public static String deadLetterTopicName(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }

    static Topic<byte[]> deadLetterTopicFor(Topic<?> topic) {
        // Same partitions and record size as the source, so any record that failed can be kept whole.
        Map<String, String> config = new LinkedHashMap<>(retention(Duration.ofDays(30)));
        config.put("max.message.bytes", String.valueOf(topic.maxRecordBytes()));
        return new Topic<>(deadLetterTopicName(topic.name()), byte[].class, Topic.ValueFormat.BYTES,
                topic.partitions(), config, topic.maxRecordBytes(), false);
    }

    private static <V> Topic<V> stream(String name, Class<V> type, Duration retention) {
        return new Topic<>(name, type, Topic.ValueFormat.AVRO, STREAM_PARTITIONS, retention(retention),
                DEFAULT_MAX_RECORD_BYTES, true);
    }

    private static Map<String, String> retention(Duration retention) {
        return Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(retention.toMillis()));
    }
}
