package io.distillery.serving.service;

import io.distillery.schemas.EscalatedText;
import io.distillery.schemas.Prediction;
import io.distillery.schemas.PredictionRoute;
import io.distillery.schemas.RawText;
import io.distillery.serving.ModelSlots;
import io.distillery.serving.Routing;
import io.distillery.serving.Scored;
import io.distillery.topics.Backoff;
import io.distillery.topics.DeadLetters;
import io.distillery.topics.ExactlyOnce;
import io.distillery.topics.KafkaClients;
import io.distillery.topics.RawTextDecoder;
import io.distillery.topics.RecordDecoder;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.RegistryUnavailableException;
import io.distillery.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * text.raw → one answer per record, exactly once: every poll is one micro-batch and one Kafka
 * transaction holding its predictions (text.predictions), escalations (text.escalated: the
 * student was unsure, or no student is live), dead letters and consumed offsets.
 *
 * <pre>
 * poll (read_committed, ≤ max-batch-size) → decode (RawTextDecoder; failures → text.raw.dlq)
 *   → lease the models → live on the batch, canary on its share, shadow on the batch (metric only)
 *   → begin → Prediction | EscalatedText per record + dead letters → sendOffsetsToTransaction → commit
 * </pre>
 *
 * Replicas share text.raw's partitions through the consumer group. Any failure aborts and rewinds
 * to the last commit, so nothing is lost or answered twice; a schema registry that cannot be asked
 * is such a failure, never a dead letter.
 */
public final class PredictionLoop implements Runnable {

    public static final String SERVICE = "serving-svc";
    private static final Logger LOG = LoggerFactory.getLogger(PredictionLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);

    /**
     * @param maxWait how long the broker may hold a fetch of text.raw for more records (0: answer at
     *                once); each poll's records are answered in one transaction
     */
    public record Settings(String groupId, String transactionalId, int maxBatchSize, Duration maxWait, int maxTextChars,
                           double escalationThreshold, ServingConfig.WithoutModel withoutModel) {
    }

    public record Topics(Topic<RawText> raw, Topic<Prediction> predictions, Topic<EscalatedText> escalated) {
    }

    private record Accepted(ConsumerRecord<byte[], byte[]> source, RawText raw) {
    }

    private final Settings settings;
    private final Topics topics;
    private final ModelSlots<StudentModel> slots;
    private final ServingMetrics metrics;
    private final Map<String, Object> clientProperties;
    private final RawTextDecoder decoder;
    private final Serializer<Prediction> predictionSerializer;
    private final Serializer<EscalatedText> escalatedSerializer;

    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private volatile boolean running = true;
    private volatile boolean started;
    private volatile long lastIterationNanos = System.nanoTime();
    private volatile Throwable fatal;
    private boolean inTransaction;

    public PredictionLoop(Settings settings, Topics topics, ModelSlots<StudentModel> slots, ServingMetrics metrics,
                          Map<String, Object> clientProperties, RegistryConfig registry) {
        this.settings = settings;
        this.topics = topics;
        this.slots = slots;
        this.metrics = metrics;
        this.clientProperties = Map.copyOf(clientProperties);
        this.decoder = new RawTextDecoder(new RecordDecoder<>(topics.raw(), registry));
        this.predictionSerializer = topics.predictions().valueSerde(registry).serializer();
        this.escalatedSerializer = topics.escalated().valueSerde(registry).serializer();
    }

    @Override
    public void run() {
        try {
            consumer = newConsumer();
            producer = newProducer();
            consumer.subscribe(List.of(topics.raw().name()));
            started = true;
            LOG.info("answering {} on {} (escalating below confidence {} to {}) as group {}, batches of up to {}",
                    topics.raw().name(), topics.predictions().name(), settings.escalationThreshold(), topics.escalated().name(),
                    settings.groupId(), settings.maxBatchSize());
            int failures = 0;
            while (running) {
                lastIterationNanos = System.nanoTime();
                try {
                    iterate();
                    failures = 0;
                } catch (WakeupException e) {
                    if (running) {
                        throw e;
                    }
                } catch (RuntimeException e) {
                    failures++;
                    if (e instanceof RegistryUnavailableException) {
                        // The records are fine: they are read again from the last commit once the registry answers.
                        LOG.warn("a micro-batch waits for the schema registry ({} in a row); rewinding to the last commit: {}",
                                failures, e.getMessage());
                    } else {
                        LOG.warn("a micro-batch failed ({} in a row); aborting and rewinding to the last commit", failures, e);
                    }
                    recover();
                    Backoff.pauseAfter(failures);
                }
            }
        } catch (Throwable e) {
            fatal = e;
            LOG.error("the prediction loop stopped", e);
        } finally {
            close();
        }
    }

    void iterate() {
        if (settings.withoutModel() == ServingConfig.WithoutModel.WAIT && slots.roles().live() == null) {
            consumer.pause(consumer.assignment()); // stay in the group, fetch nothing
            consumer.poll(POLL);
            return;
        }
        if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        if (records.isEmpty()) {
            return;
        }
        long receivedNanos = System.nanoTime();
        Instant receivedAt = Instant.now();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        List<Accepted> accepted = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        List<String> deadReasons = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
            RecordDecoder.Decoded<RawText> decoded = decoder.decode(new RawTextDecoder.Position(record.topic(),
                    record.partition(), record.offset(), record.key(), record.timestamp()), record.value());
            String reason = null;
            String category = null;
            if (!decoded.ok()) {
                reason = decoded.failure();
                category = "undecodable";
            } else if (decoded.value().getText().isBlank()) {
                reason = "empty text: nothing to predict";
                category = "empty";
            } else if (decoded.value().getText().length() > settings.maxTextChars()) {
                reason = "text of " + decoded.value().getText().length()
                        + " characters is longer than distillery.serving.max-text-chars=" + settings.maxTextChars();
                category = "too-long";
            }
            if (reason != null) {
                out.add(DeadLetters.deadLetter(record, SERVICE, reason, decoded.cause()));
                deadReasons.add(category);
                LOG.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
            } else {
                accepted.add(new Accepted(record, decoded.value()));
            }
        }
        if (!accepted.isEmpty()) {
            answer(accepted, receivedNanos, receivedAt, out);
        }
        producer.beginTransaction();
        inTransaction = true;
        for (ProducerRecord<byte[], byte[]> record : out) {
            producer.send(record);
        }
        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        producer.commitTransaction();
        inTransaction = false;
        deadReasons.forEach(metrics::deadLettered);
        metrics.committed(accepted.size());
    }

    /** Predicts the batch and adds one Prediction or EscalatedText per accepted record to {@code out}. */
    private void answer(List<Accepted> accepted, long receivedNanos, Instant receivedAt, List<ProducerRecord<byte[], byte[]>> out) {
        List<String> texts = accepted.stream().map(a -> a.raw().getText()).toList();
        try (ModelSlots.Lease<StudentModel> lease = slots.lease()) {
            StudentModel live = lease.live();
            if (live == null) {
                Instant now = Instant.now();
                for (Accepted a : accepted) {
                    out.add(escalation(a, null, 0.0, receivedAt, now));
                    metrics.escalation("no-live-model", true);
                    metrics.streamLatency((System.nanoTime() - receivedNanos) / 1e6);
                }
                return;
            }
            List<Scored> liveAnswers = live.predict(texts);
            StudentModel canary = lease.canary();
            List<Integer> canaryIndexes = new ArrayList<>();
            if (canary != null) {
                for (int i = 0; i < accepted.size(); i++) {
                    if (Routing.toCanary(accepted.get(i).raw().getId(), lease.roles().canaryFraction())) {
                        canaryIndexes.add(i);
                    }
                }
            }
            Map<Integer, Scored> canaryAnswers = new HashMap<>();
            if (!canaryIndexes.isEmpty()) {
                List<Scored> scored = canary.predict(canaryIndexes.stream().map(texts::get).toList());
                for (int k = 0; k < canaryIndexes.size(); k++) {
                    int i = canaryIndexes.get(k);
                    canaryAnswers.put(i, scored.get(k));
                    metrics.canaryAgreed(scored.get(k).label().equals(liveAnswers.get(i).label()));
                }
            }
            StudentModel shadow = lease.shadow();
            if (shadow != null) {
                List<Scored> shadowAnswers = shadow.predict(texts); // never published: agreement only
                for (int i = 0; i < texts.size(); i++) {
                    metrics.shadowAgreed(shadowAnswers.get(i).label().equals(liveAnswers.get(i).label()));
                }
            }
            Instant now = Instant.now();
            int byLive = 0;
            for (int i = 0; i < accepted.size(); i++) {
                boolean toCanary = canaryAnswers.containsKey(i);
                Scored answer = toCanary ? canaryAnswers.get(i) : liveAnswers.get(i);
                String checkpoint = toCanary ? canary.id() : live.id();
                Accepted a = accepted.get(i);
                boolean escalate = Routing.escalate(answer.confidence(), settings.escalationThreshold());
                metrics.escalation("low-confidence", escalate);
                if (escalate) {
                    out.add(escalation(a, checkpoint, answer.confidence(), receivedAt, now));
                } else {
                    double latency = (System.nanoTime() - receivedNanos) / 1e6;
                    Prediction prediction = Prediction.newBuilder()
                            .setId(a.raw().getId()).setText(a.raw().getText()).setLabel(answer.label())
                            .setProbabilities(answer.probabilities()).setConfidence(answer.confidence())
                            .setCheckpointId(checkpoint).setRoute(PredictionRoute.STUDENT).setTeacherId(null)
                            .setLatencyMs(latency).setEventTime(a.raw().getEventTime()).setPredictedAt(now).build();
                    String topic = topics.predictions().name();
                    out.add(new ProducerRecord<>(topic, key(a), predictionSerializer.serialize(topic, prediction)));
                    if (!toCanary) {
                        byLive++;
                    }
                }
                metrics.streamLatency((System.nanoTime() - receivedNanos) / 1e6);
            }
            metrics.answered("live", byLive);
            metrics.answered("canary", (int) canaryAnswers.values().stream()
                    .filter(s -> !Routing.escalate(s.confidence(), settings.escalationThreshold())).count());
        }
    }

    private ProducerRecord<byte[], byte[]> escalation(Accepted a, String checkpoint, double confidence, Instant receivedAt,
                                                      Instant now) {
        EscalatedText escalated = EscalatedText.newBuilder().setId(a.raw().getId()).setText(a.raw().getText())
                .setSource(a.raw().getSource()).setEventTime(a.raw().getEventTime()).setStudentCheckpointId(checkpoint)
                .setStudentConfidence(confidence).setReceivedAt(receivedAt).setEscalatedAt(now).build();
        String topic = topics.escalated().name();
        return new ProducerRecord<>(topic, key(a), escalatedSerializer.serialize(topic, escalated));
    }

    private static byte[] key(Accepted a) {
        byte[] key = a.source().key();
        return key != null ? key : a.raw().getId().getBytes(StandardCharsets.UTF_8);
    }

    private void recover() {
        try {
            if (inTransaction) {
                producer.abortTransaction();
            }
        } catch (RuntimeException e) {
            LOG.warn("abort failed ({}); replacing the producer", e.toString());
            KafkaClients.closeQuietly(producer);
            producer = newProducer();
        }
        inTransaction = false;
        var partitions = consumer.assignment();
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                fromStart.add(partition);
            } else {
                consumer.seek(partition, offset);
            }
        }
        consumer.seekToBeginning(fromStart);
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.transactionalId() + "-consumer");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxBatchSize());
        if (!settings.maxWait().isZero()) {
            // Far more than a batch's bytes: the broker answers after max-wait unless a backlog is
            // waiting, so a trickle of texts costs one transaction per max-wait, not one per record.
            props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1 << 20);
            props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Math.toIntExact(settings.maxWait().toMillis()));
        }
        props.putAll(topics.raw().consumerOverrides());
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        Map<String, Object> props = ExactlyOnce.producer(clientProperties, settings.transactionalId());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        created.initTransactions();
        return created;
    }

    public boolean isAlive(Duration stallLimit) {
        return started && running && fatal == null && System.nanoTime() - lastIterationNanos < stallLimit.toNanos();
    }

    public void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    private void close() {
        KafkaClients.closeQuietly(consumer);
        KafkaClients.closeQuietly(producer);
        decoder.close();
        predictionSerializer.close();
        escalatedSerializer.close();
    }
}
