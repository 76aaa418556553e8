package io.distillery.launcher.demo;

import io.distillery.schemas.PartitionOffset;
import io.distillery.schemas.RolloutEvent;
import io.distillery.schemas.RolloutEventKind;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Watches the pipeline from the outside, as any Kafka client could: counts the committed records
 * of every stage topic since it started (read_committed, so aborted and duplicate-free counts),
 * and follows checkpoints and rollout events. One consumer, one thread; {@link #snapshot} may be
 * called from any thread.
 */
public final class PipelineWatcher implements Runnable, AutoCloseable {

    /** What the demo shows per stage, in pipeline order. */
    public enum Stage {
        RAW(Topics.TEXT_RAW), AUGMENTED(Topics.TEXT_AUGMENTED), LABELLED(Topics.TEXT_LABELED),
        PREDICTIONS(Topics.TEXT_PREDICTIONS), ESCALATED(Topics.TEXT_ESCALATED);

        final Topic<?> topic;

        Stage(Topic<?> topic) {
            this.topic = topic;
        }
    }

    /** A checkpoint as the demo reports it. */
    public record Checkpoint(String id, long createdAtMillis, long examples, Map<String, Double> metrics,
                             Map<Integer, Long> labelledNextOffsets) {
    }

    /** A promotion seen on the rollout events, with the freshness of the promoted checkpoint if known. */
    public record Promotion(String checkpointId, long atMillis, String decidedBy, Long freshnessMillis) {
    }

    private final String prefix;
    private final Map<String, Object> clientProperties;
    private final RegistryConfig registry;
    private final Freshness freshness;
    private final Map<String, Stage> stageByTopic = new HashMap<>();
    private final Map<Stage, AtomicLong> counts = new ConcurrentHashMap<>();
    private final AtomicLong deadLetters = new AtomicLong();
    private final Map<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();
    private final List<Checkpoint> published = new CopyOnWriteArrayList<>();
    private final List<Promotion> promotions = new CopyOnWriteArrayList<>();
    private final List<RolloutEvent> pendingPromotions = new ArrayList<>();
    /** Checkpoints serving decided on other than by promoting them (evaluated and kept out, refused, ...). */
    private final Set<String> decidedOtherwise = ConcurrentHashMap.newKeySet();
    private final long startedAtMillis = System.currentTimeMillis();
    private volatile String liveCheckpointId;
    private volatile Map<String, Double> liveMetrics = Map.of();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running = true;

    public PipelineWatcher(String prefix, Map<String, Object> clientProperties, RegistryConfig registry, Freshness freshness) {
        this.prefix = prefix;
        this.clientProperties = Map.copyOf(clientProperties);
        this.registry = registry;
        this.freshness = freshness;
        for (Stage stage : Stage.values()) {
            stageByTopic.put(stage.topic.withPrefix(prefix).name(), stage);
            counts.put(stage, new AtomicLong());
        }
    }

    @Override
    public void run() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putAll(Topics.STUDENT_CHECKPOINTS.consumerOverrides());
        String checkpointTopic = Topics.STUDENT_CHECKPOINTS.withPrefix(prefix).name();
        String eventTopic = Topics.STUDENT_ROLLOUT_EVENTS.withPrefix(prefix).name();
        String labelledTopic = Topics.TEXT_LABELED.withPrefix(prefix).name();
        Set<String> deadLetterTopics = Topics.all().stream().map(t -> t.withPrefix(prefix).deadLetterTopic())
                .flatMap(java.util.Optional::stream).map(Topic::name).collect(Collectors.toSet());
        try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             Deserializer<StudentCheckpoint> checkpointReader = Topics.STUDENT_CHECKPOINTS.valueSerde(registry).deserializer();
             Deserializer<RolloutEvent> eventReader = Topics.STUDENT_ROLLOUT_EVENTS.valueSerde(registry).deserializer()) {
            consumer = kafka;
            List<TopicPartition> fromNow = new ArrayList<>();
            List<TopicPartition> fromStart = new ArrayList<>();
            for (String topic : stageByTopic.keySet()) {
                fromNow.addAll(partitions(kafka, topic));
            }
            for (String topic : deadLetterTopics) {
                fromNow.addAll(partitions(kafka, topic));
            }
            fromNow.addAll(partitions(kafka, checkpointTopic));
            fromStart.addAll(partitions(kafka, eventTopic)); // compacted: the current rollout state
            List<TopicPartition> all = new ArrayList<>(fromNow);
            all.addAll(fromStart);
            kafka.assign(all);
            kafka.seekToEnd(fromNow);
            kafka.seekToBeginning(fromStart);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : kafka.poll(Duration.ofMillis(500))) {
                    String topic = record.topic();
                    Stage stage = stageByTopic.get(topic);
                    if (stage != null) {
                        counts.get(stage).incrementAndGet();
                        if (topic.equals(labelledTopic) && record.key() != null) {
                            freshness.labelled(record.partition(), record.offset(), new String(record.key(), StandardCharsets.UTF_8));
                        }
                    } else if (deadLetterTopics.contains(topic)) {
                        deadLetters.incrementAndGet();
                    } else if (topic.equals(checkpointTopic) && record.value() != null) {
                        checkpoint(checkpointReader.deserialize(topic, record.value()), labelledTopic);
                    } else if (topic.equals(eventTopic) && record.value() != null) {
                        event(eventReader.deserialize(topic, record.value()));
                    }
                }
                resolvePromotions();
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        }
    }

    private void checkpoint(StudentCheckpoint record, String labelledTopic) {
        Map<Integer, Long> offsets = new HashMap<>();
        for (PartitionOffset offset : record.getTrainingPosition().getOffsets()) {
            if (offset.getTopic().equals(labelledTopic)) {
                offsets.put(offset.getPartition(), offset.getOffset());
            }
        }
        Checkpoint checkpoint = new Checkpoint(record.getId(), record.getCreatedAt().toEpochMilli(),
                record.getTrainingPosition().getExamples(), Map.copyOf(record.getMetrics()), offsets);
        checkpoints.put(checkpoint.id(), checkpoint);
        published.add(checkpoint);
    }

    private void event(RolloutEvent event) {
        String live = event.getState().getLiveCheckpointId();
        if (live != null && !live.equals(liveCheckpointId)) {
            liveCheckpointId = live;
            liveMetrics = Map.of();
        }
        if (live != null && live.equals(event.getCheckpointId()) && !event.getMetrics().isEmpty()) {
            liveMetrics = Map.copyOf(event.getMetrics());
        }
        if (event.getKind() == RolloutEventKind.PROMOTED && event.getAt().toEpochMilli() >= startedAtMillis) {
            pendingPromotions.add(event);
        } else if (event.getCheckpointId() != null) {
            decidedOtherwise.add(event.getCheckpointId());
        }
    }

    /** A promotion is reported once its checkpoint has been read (the event may come first). */
    private void resolvePromotions() {
        pendingPromotions.removeIf(event -> {
            Checkpoint checkpoint = checkpoints.get(event.getCheckpointId());
            if (checkpoint == null && System.currentTimeMillis() - event.getAt().toEpochMilli() < 30_000) {
                return false;
            }
            long at = event.getAt().toEpochMilli();
            Long fresh = checkpoint == null ? null : boxed(freshness.freshnessMillis(checkpoint.labelledNextOffsets(), at));
            promotions.add(new Promotion(event.getCheckpointId(), at, event.getDecidedBy(), fresh));
            return true;
        });
    }

    private static Long boxed(java.util.OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist: is the platform up with its topics?");
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /** Whether serving has decided on this checkpoint: promoted (and reported), or otherwise. */
    public boolean decided(String checkpointId) {
        return decidedOtherwise.contains(checkpointId) || promotions.stream().anyMatch(p -> p.checkpointId().equals(checkpointId));
    }

    /** Everything seen so far. */
    public Snapshot snapshot() {
        Map<Stage, Long> byStage = new LinkedHashMap<>();
        for (Stage stage : Stage.values()) {
            byStage.put(stage, counts.get(stage).get());
        }
        String live = liveCheckpointId;
        Checkpoint liveCheckpoint = live == null ? null : checkpoints.get(live);
        Map<String, Double> metrics = new HashMap<>();
        if (liveCheckpoint != null) {
            metrics.putAll(liveCheckpoint.metrics());
        }
        metrics.putAll(liveMetrics); // the serving side's evaluation wins over the trainer's
        return new Snapshot(System.nanoTime(), byStage, deadLetters.get(), List.copyOf(published), List.copyOf(promotions),
                live, Map.copyOf(metrics));
    }

    /** Counts, checkpoints and promotions at one moment. */
    public record Snapshot(long nanos, Map<Stage, Long> counts, long deadLetters, List<Checkpoint> checkpoints,
                           List<Promotion> promotions, String liveCheckpointId, Map<String, Double> liveMetrics) {

        public long count(Stage stage) {
            return counts.getOrDefault(stage, 0L);
        }

        /** Examples in the newest checkpoint's training position (what the trainer had trained when it published). */
        public long trainedExamples() {
            return checkpoints.stream().mapToLong(Checkpoint::examples).max().orElse(0);
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }
}
