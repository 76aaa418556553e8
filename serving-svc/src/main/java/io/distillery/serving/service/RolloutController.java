package io.distillery.serving.service;

import io.distillery.schemas.RolloutCommand;
import io.distillery.schemas.RolloutEvent;
import io.distillery.schemas.RolloutState;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.serving.CheckpointCache;
import io.distillery.serving.Evaluation;
import io.distillery.serving.RolloutDecider;
import io.distillery.serving.RolloutView;
import io.distillery.topics.Backoff;
import io.distillery.topics.DeadLetters;
import io.distillery.topics.ExactlyOnce;
import io.distillery.topics.KafkaClients;
import io.distillery.topics.RecordDecoder;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.RegistryUnavailableException;
import io.distillery.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place rollout decisions are taken. Every replica runs this loop, but they all join one
 * consumer group on student.rollouts and student.checkpoints (one partition each, range-assigned,
 * so one member gets both): that member is the controller, the others idle in the group as hot
 * standbys. For each command and each new checkpoint of the lineage the controller asks the
 * {@link RolloutDecider} and writes the resulting {@link RolloutEvent} to the compacted
 * student.rollout-events in the same transaction as the consumed offset: every command and
 * checkpoint is decided exactly once, even across a controller failover. The transactional id is
 * the group's, so a new controller fences a stale one. Before deciding, the controller waits until
 * its replica has read every event written so far, so its state is never behind.
 */
public final class RolloutController implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(RolloutController.class);
    private static final Duration APPLY_WAIT = Duration.ofSeconds(30);

    public record Topics(Topic<RolloutCommand> rollouts, Topic<StudentCheckpoint> checkpoints, Topic<RolloutEvent> events) {
    }

    private final Topics topics;
    private final String groupId;
    private final String lineage;
    private final RolloutDecider decider;
    private final RolloutView view;
    private final TopicFollower eventsFollower;
    private final CheckpointCache cache;
    private final CheckpointEvaluator evaluator;
    private final ServingMetrics metrics;
    private final Map<String, Object> clientProperties;
    private final RecordDecoder<RolloutCommand> commandDecoder;
    private final RecordDecoder<StudentCheckpoint> checkpointDecoder;
    private final Serializer<RolloutEvent> eventSerializer;
    /** Evaluations by checkpoint id, so a checkpoint is loaded and scored once per controller. */
    private final Map<String, Evaluation> evaluations = new ConcurrentHashMap<>();

    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private volatile boolean controlling;
    private volatile boolean running = true;
    private volatile long lastIterationNanos = System.nanoTime();
    private volatile Throwable fatal;

    public RolloutController(Topics topics, String groupId, String lineage, RolloutDecider decider, RolloutView view,
                             TopicFollower eventsFollower, CheckpointCache cache, CheckpointEvaluator evaluator,
                             ServingMetrics metrics, Map<String, Object> clientProperties, RegistryConfig registry) {
        this.topics = topics;
        this.groupId = groupId;
        this.lineage = lineage;
        this.decider = decider;
        this.view = view;
        this.eventsFollower = eventsFollower;
        this.cache = cache;
        this.evaluator = evaluator;
        this.metrics = metrics;
        this.clientProperties = Map.copyOf(clientProperties);
        this.commandDecoder = new RecordDecoder<>(topics.rollouts(), registry);
        this.checkpointDecoder = new RecordDecoder<>(topics.checkpoints(), registry);
        this.eventSerializer = topics.events().valueSerde(registry).serializer();
    }

    @Override
    public void run() {
        try {
            consumer = newConsumer();
            consumer.subscribe(List.of(topics.rollouts().name(), topics.checkpoints().name()), new Election());
            int registryFailures = 0;
            while (running) {
                lastIterationNanos = System.nanoTime();
                try {
                    if (!controlling && ownsBoth()) {
                        // a take-over that failed (the events not read up to their end in time, as while the
                        // registry is away) is tried again here rather than left until the next rebalance
                        takeOver();
                    }
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        if (!controlling) {
                            break; // lost the election mid-batch: the next controller re-reads from the commit
                        }
                        decide(record);
                    }
                    registryFailures = 0;
                } catch (RegistryUnavailableException e) {
                    // Decoding comes before the transaction begins: nothing to abort, and nothing wrong with the
                    // record. Read it again from the last commit once the registry answers.
                    registryFailures++;
                    LOG.warn("a rollout decision waits for the schema registry ({} in a row); retrying from the last commit: {}",
                            registryFailures, e.getMessage());
                    rewind();
                    Backoff.pauseAfter(registryFailures);
                } catch (WakeupException e) {
                    if (running) {
                        throw e;
                    }
                } catch (org.apache.kafka.common.errors.ProducerFencedException e) {
                    LOG.warn("fenced by a newer controller; standing by");
                    stepDown();
                    rewind();
                } catch (RuntimeException e) {
                    LOG.warn("a rollout decision failed; aborting and retrying from the last commit", e);
                    abort();
                    rewind();
                    Backoff.sleep(1000);
                }
            }
        } catch (Throwable e) {
            fatal = e;
            LOG.error("the rollout controller stopped", e);
        } finally {
            stepDown();
            KafkaClients.closeQuietly(consumer);
            commandDecoder.close();
            checkpointDecoder.close();
            eventSerializer.close();
        }
    }

    private void decide(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
        RolloutState state = view.state();
        String eventId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        RolloutEvent event = null;
        ProducerRecord<byte[], byte[]> deadLetter = null;
        if (record.topic().equals(topics.rollouts().name())) {
            RecordDecoder.Decoded<RolloutCommand> decoded = commandDecoder.decode(record);
            if (!decoded.ok()) {
                deadLetter = DeadLetters.deadLetter(record, PredictionLoop.SERVICE, decoded.failure(), decoded.cause());
            } else if (lineage.equals(decoded.value().getLineage())) {
                event = decider.onCommand(state, decoded.value(), this::known, eventId, now);
            }
        } else {
            RecordDecoder.Decoded<StudentCheckpoint> decoded = checkpointDecoder.decode(record);
            if (!decoded.ok()) {
                deadLetter = DeadLetters.deadLetter(record, PredictionLoop.SERVICE, decoded.failure(), decoded.cause());
            } else if (lineage.equals(decoded.value().getLineage())) {
                StudentCheckpoint checkpoint = decoded.value();
                cache.put(checkpoint);
                Evaluation evaluation = evaluations.computeIfAbsent(checkpoint.getId(), id -> evaluator.evaluate(checkpoint));
                event = decider.onEvaluation(state, evaluation, liveEvaluation(state), eventId, now);
            }
        }
        producer.beginTransaction();
        RecordMetadata written = null;
        try {
            if (event != null) {
                String topic = topics.events().name();
                written = producer.send(new ProducerRecord<>(topic, lineage.getBytes(StandardCharsets.UTF_8),
                        eventSerializer.serialize(topic, event))).get();
            }
            if (deadLetter != null) {
                producer.send(deadLetter);
            }
            producer.sendOffsetsToTransaction(Map.of(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1)), consumer.groupMetadata());
            producer.commitTransaction();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot write the rollout event: " + e.getCause(), e.getCause());
        }
        if (deadLetter != null) {
            LOG.warn("dead-lettered {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    DeadLetters.header(deadLetter.headers(), DeadLetters.REASON).orElse(""));
            metrics.deadLettered("undecodable-" + record.topic());
        }
        if (written != null) {
            LOG.info("rollout {} {} ({}): {}", event.getKind(), event.getCheckpointId(), event.getDecidedBy(), event.getReason());
            metrics.rolloutEvent(event.getKind().name());
            // the next decision must start from this state: wait for this replica to have read it
            if (!eventsFollower.awaitHandled(written.partition(), written.offset(), APPLY_WAIT)) {
                throw new IllegalStateException("own rollout event not read back within " + APPLY_WAIT);
            }
        }
    }

    /** A checkpoint's evaluation, scoring it now if it is here and not yet scored; empty if unknown. */
    Optional<Evaluation> known(String checkpointId) {
        Evaluation known = evaluations.get(checkpointId);
        if (known != null) {
            return Optional.of(known);
        }
        return cache.get(checkpointId).map(c -> evaluations.computeIfAbsent(checkpointId, id -> evaluator.evaluate(c)));
    }

    private Optional<Evaluation> liveEvaluation(RolloutState state) {
        String live = state.getLiveCheckpointId();
        if (live == null) {
            return Optional.empty();
        }
        Map<String, Double> carried = view.metrics(live);
        if (carried.containsKey(Evaluation.DEV_ACCURACY)) {
            return Optional.of(Evaluation.valid(live, lineage, carried));
        }
        return known(live);
    }

    /** Takes over when this member holds both partitions: fence the old controller, catch up with the events. */
    private void takeOver() {
        KafkaClients.closeQuietly(producer); // left by a take-over that failed, if any
        Map<String, Object> props = ExactlyOnce.producer(clientProperties, groupId + "-controller");
        props.putAll(topics.checkpoints().producerOverrides());
        // small records only, but the dead-letter copy of a checkpoint can be large
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        TopicPartition events = new TopicPartition(topics.events().name(), 0);
        Map<TopicPartition, Long> end = consumer.endOffsets(List.of(events));
        try {
            if (!eventsFollower.awaitPositions(Map.of(0, end.get(events)), APPLY_WAIT)) {
                throw new IllegalStateException("rollout events not read up to " + end + " within " + APPLY_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        controlling = true;
        LOG.info("this replica is the rollout controller of lineage {}", lineage);
    }

    private void stepDown() {
        controlling = false;
        KafkaClients.closeQuietly(producer);
        producer = null;
    }

    private void abort() {
        try {
            if (producer != null) {
                producer.abortTransaction();
            }
        } catch (RuntimeException e) {
            // Stand down; the loop takes over again with a new producer. Not here: a take-over can fail
            // too, and from this catch block it would stop the controller for good.
            LOG.warn("abort failed ({}); taking over again with a new producer", e.toString());
            stepDown();
        }
    }

    private void rewind() {
        Set<TopicPartition> partitions = consumer.assignment();
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
        for (TopicPartition p : partitions) {
            OffsetAndMetadata offset = committed.get(p);
            if (offset == null) {
                consumer.seekToBeginning(List.of(p));
            } else {
                consumer.seek(p, offset);
            }
        }
    }

    private final class Election implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                stepDown();
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            stepDown();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!controlling && ownsBoth()) {
                takeOver();
            }
        }
    }

    /** Whether this member holds both student.rollouts and student.checkpoints: then it is the controller. */
    private boolean ownsBoth() {
        Set<String> owned = consumer.assignment().stream().map(TopicPartition::topic).collect(Collectors.toSet());
        return owned.contains(topics.rollouts().name()) && owned.contains(topics.checkpoints().name());
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // range assignment gives partition 0 of both topics to the same (first) member: one controller
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        // a checkpoint evaluation takes seconds: take few records per poll
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 4);
        props.putAll(topics.checkpoints().consumerOverrides());
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public boolean controlling() {
        return controlling;
    }

    public boolean isAlive(Duration stallLimit) {
        return running && fatal == null && System.nanoTime() - lastIterationNanos < stallLimit.toNanos();
    }

    public void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }
}
