package io.distillery.teacher.service;

import io.distillery.schemas.AugmentedText;
import io.distillery.schemas.EscalatedText;
import io.distillery.schemas.LabeledText;
import io.distillery.schemas.Prediction;
import io.distillery.topics.Backoff;
import io.distillery.topics.DeadLetters;
import io.distillery.topics.ExactlyOnce;
import io.distillery.topics.KafkaClients;
import io.distillery.topics.RecordDecoder;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.RegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
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
 * Consume, label, produce, commit, in one Kafka transaction per flush (exactly once):
 *
 * <pre>
 * poll (read_committed) → decode (RecordDecoder; failures → &lt;topic&gt;.dlq) → MicroBatcher
 *   → when due: hand the flush to the inference thread (teacher on each length-sorted batch)
 *   → when labelled: begin → LabeledText (+ Prediction for escalated texts) + dead letters
 *     → sendOffsetsToTransaction → commit
 * </pre>
 *
 * The loop thread owns the Kafka clients; one inference thread owns the teacher. While the
 * teacher labels flush N, the loop commits flush N-1 and fetches flush N+1, so the teacher does
 * not wait on the broker (on one CPU core or a GPU, Kafka's share of the time would
 * otherwise be lost). Transactions still commit in order, one per flush, each with its own
 * offsets. Memory stays bounded: at most one flush in flight and one queued, and nothing is
 * fetched while the queued one is due. A slow teacher only slows the loop down (the consumer
 * stays in its group as long as a flush takes less than max.poll.interval.ms). Any failure
 * aborts the transaction, drops the flush in flight and rewinds to the last commit; no input
 * ever stops the loop. A schema registry that cannot be asked is such a failure, not a dead
 * letter: the records are read again once it answers.
 */
public final class LabelingLoop implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LabelingLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    /** Poll timeout while the teacher labels: the loop looks at the flush in flight this often. */
    private static final Duration IN_FLIGHT_POLL = Duration.ofMillis(2);

    /** A decoded input waiting for the teacher: exactly one of augmented and escalated is set. */
    record Pending(ConsumerRecord<byte[], byte[]> source, String text, AugmentedText augmented, EscalatedText escalated) {
    }

    private record DeadLetter(ConsumerRecord<byte[], byte[]> record, String reason, Throwable cause, String category) {
    }

    /**
     * A flush handed to the inference thread: its batches, the offsets and dead letters of the
     * records it covers, and the teacher's logits to come. Until {@code logits} completes, only
     * the inference thread touches {@code deadLetters} (it adds texts the teacher cannot label).
     */
    private record Flush(List<List<Pending>> batches, Map<TopicPartition, OffsetAndMetadata> offsets,
                         List<DeadLetter> deadLetters, Future<List<List<float[]>>> logits) {
    }

    private final LoopSettings settings;
    private final LabelingTopics topics;
    private final Labeler labeler;
    private final TeacherIdentity teacher;
    private final LabelingMetrics metrics;
    private final Map<String, Object> clientProperties;
    private final RecordDecoder<AugmentedText> augmentedDecoder;
    private final RecordDecoder<EscalatedText> escalatedDecoder;
    private final Serializer<LabeledText> labeledSerializer;
    private final Serializer<Prediction> predictionSerializer;
    private final MicroBatcher<Pending> batcher;

    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    private final ExecutorService inference = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "teacher-inference");
        thread.setDaemon(true);
        return thread;
    });
    /** The flush the teacher is labelling, or null. */
    private Flush inFlight;

    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private volatile boolean running = true;
    private volatile boolean started;
    private volatile long lastIterationNanos = System.nanoTime();
    private volatile Throwable fatal;
    private boolean inTransaction;
    private boolean closing;

    /**
     * @param clientProperties bootstrap servers and any other client settings, shared by both clients
     */
    public LabelingLoop(LoopSettings settings, LabelingTopics topics, Labeler labeler, TeacherIdentity teacher,
                        Map<String, Object> clientProperties, RegistryConfig registry,
                        io.micrometer.core.instrument.MeterRegistry meters) {
        this.settings = settings;
        this.topics = topics;
        this.labeler = labeler;
        this.teacher = teacher;
        this.clientProperties = Map.copyOf(clientProperties);
        this.augmentedDecoder = new RecordDecoder<>(topics.augmented(), registry);
        this.escalatedDecoder = new RecordDecoder<>(topics.escalated(), registry);
        this.labeledSerializer = topics.labeled().valueSerde(registry).serializer();
        this.predictionSerializer = topics.predictions().valueSerde(registry).serializer();
        this.batcher = new MicroBatcher<>(settings.maxBatchSize(), settings.batchesPerFlush(), settings.maxWait());
        this.metrics = new LabelingMetrics(meters, settings.maxBatchSize(), teacher.temperature(), batcher::size);
    }

    /** Whether the loop runs and has gone round recently (a teacher call takes seconds at most). */
    public boolean isAlive(Duration stallLimit) {
        return started && running && fatal == null && System.nanoTime() - lastIterationNanos < stallLimit.toNanos();
    }

    public LabelingMetrics metrics() {
        return metrics;
    }

    @Override
    public void run() {
        try {
            consumer = newConsumer();
            producer = newProducer();
            consumer.subscribe(List.of(topics.augmented().name(), topics.escalated().name()), new Rebalance());
            started = true;
            LOG.info("labelling {} and {} into {} as group {} (transactional id {}), batches of up to {}, max wait {}",
                    topics.augmented().name(), topics.escalated().name(), topics.labeled().name(), settings.groupId(),
                    settings.transactionalId(), settings.maxBatchSize(), settings.maxWait());
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
                        LOG.warn("labelling waits for the schema registry ({} in a row); rewinding to the last commit: {}",
                                failures, e.getMessage());
                    } else {
                        LOG.warn("labelling failed ({} in a row); aborting and rewinding to the last commit", failures, e);
                    }
                    recover();
                    if (Thread.currentThread().isInterrupted()) {
                        running = false; // interrupted: a stop, not a failure to retry
                    } else {
                        Backoff.pauseAfter(failures);
                    }
                }
            }
            if (fatal == null) {
                try {
                    flush(); // a clean stop commits what it has
                } catch (RuntimeException e) {
                    LOG.warn("final flush failed; the next owner relabels from the last commit", e);
                }
            }
        } catch (Throwable e) {
            fatal = e;
            LOG.error("the labelling loop stopped", e);
        } finally {
            closeClients();
        }
    }

    /**
     * One round: fetch unless a flush is due; when one is due, wait for the teacher to finish the
     * flush in flight, give it the next one, and commit the finished one while it labels.
     */
    void iterate() {
        if (!batcher.isFull()) {
            Duration longest = inFlight == null ? IDLE_POLL : IN_FLIGHT_POLL;
            long waitNanos = Math.min(batcher.nanosUntilDue(System.nanoTime()), longest.toNanos());
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofNanos(Math.max(waitNanos, 1_000_000)));
            for (ConsumerRecord<byte[], byte[]> record : records) {
                accept(record);
            }
            if (!records.isEmpty()) {
                updateLag();
            }
        }
        // A poll of only dead letters commits at once; labels wait for batch mates up to max wait.
        if (batcher.due(System.nanoTime()) || (batcher.isEmpty() && !offsets.isEmpty())) {
            Flush labelled = inFlight;
            if (labelled != null) {
                logits(labelled); // the teacher has finished it...
            }
            inFlight = handOver(); // ...and starts on the next at once...
            commit(labelled);      // ...while the finished one's transaction runs
        } else if (inFlight != null && inFlight.logits().isDone()) {
            Flush labelled = inFlight;
            inFlight = null;
            commit(labelled);
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        boolean escalated = record.topic().equals(topics.escalated().name());
        Pending pending;
        if (escalated) {
            RecordDecoder.Decoded<EscalatedText> decoded = escalatedDecoder.decode(record);
            if (!decoded.ok()) {
                deadLetter(record, decoded.failure(), decoded.cause(), "undecodable");
                return;
            }
            pending = new Pending(record, decoded.value().getText(), null, decoded.value());
        } else {
            RecordDecoder.Decoded<AugmentedText> decoded = augmentedDecoder.decode(record);
            if (!decoded.ok()) {
                deadLetter(record, decoded.failure(), decoded.cause(), "undecodable");
                return;
            }
            pending = new Pending(record, decoded.value().getText(), decoded.value(), null);
        }
        String text = pending.text();
        if (text.isBlank()) {
            deadLetter(record, "empty text: nothing for the teacher to label", null, "empty");
        } else if (text.length() > settings.maxTextChars()) {
            deadLetter(record, "text of " + text.length() + " characters is longer than distillery.teacher.max-text-chars="
                    + settings.maxTextChars(), null, "too-long");
        } else {
            batcher.add(pending, text.length(), System.nanoTime());
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, Throwable cause, String category) {
        deadLetters.add(new DeadLetter(record, reason, cause, category));
    }

    /** Hands everything queued to the inference thread as the next flush (null when nothing is queued). */
    private Flush handOver() {
        if (offsets.isEmpty()) {
            return null;
        }
        List<List<Pending>> batches = batcher.drain();
        List<DeadLetter> dead = new ArrayList<>(deadLetters);
        Future<List<List<float[]>>> logits = inference.submit(() -> {
            List<List<float[]>> all = new ArrayList<>(batches.size());
            for (List<Pending> batch : batches) {
                all.add(labelBatch(batch, dead));
            }
            return all;
        });
        Flush flush = new Flush(batches, new HashMap<>(offsets), dead, logits);
        deadLetters.clear();
        offsets.clear();
        return flush;
    }

    /** Labels and commits everything held, in flight or queued, before returning (stop, revocation). */
    void flush() {
        Flush labelled = inFlight;
        inFlight = null;
        commit(labelled);
        commit(handOver());
    }

    /** The teacher's logits for a flush, waiting for them if need be. */
    private static List<List<float[]>> logits(Flush flush) {
        try {
            return flush.logits().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the teacher labelled", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error; // out of memory and the like stop the loop, as they did before it had a thread
            }
            throw new IllegalStateException("the teacher failed on a flush", e.getCause());
        }
    }

    /**
     * Writes a flush's labels, dead letters and offsets in one transaction, once the teacher is
     * done with it (null: nothing to do). The transaction begins only then: an open transaction
     * holds back every read_committed consumer of text.labeled, so it must never wait on a slow
     * or hung teacher.
     */
    private void commit(Flush flush) {
        if (flush == null) {
            return;
        }
        List<List<float[]>> logits = logits(flush);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        Instant now = Instant.now();
        int sentences = 0;
        for (int b = 0; b < flush.batches().size(); b++) {
            List<Pending> batch = flush.batches().get(b);
            for (int i = 0; i < batch.size(); i++) {
                float[] textLogits = logits.get(b).get(i);
                if (textLogits != null) {
                    out.addAll(records(batch.get(i), textLogits, now));
                    sentences++;
                }
            }
        }
        for (DeadLetter dead : flush.deadLetters()) {
            out.add(DeadLetters.deadLetter(dead.record(), LoopSettings.SERVICE, dead.reason(), dead.cause()));
        }
        producer.beginTransaction();
        inTransaction = true;
        for (ProducerRecord<byte[], byte[]> record : out) {
            producer.send(record);
        }
        producer.sendOffsetsToTransaction(flush.offsets(), consumer.groupMetadata());
        producer.commitTransaction();
        inTransaction = false;
        for (DeadLetter dead : flush.deadLetters()) {
            LOG.warn("dead-lettered {}-{}@{}: {}", dead.record().topic(), dead.record().partition(), dead.record().offset(),
                    dead.reason());
            metrics.deadLettered(dead.record().topic(), dead.category());
        }
        metrics.committed(sentences);
    }

    /** Forgets the flush in flight: its records are read again from the last commit. */
    private void dropInFlight() {
        if (inFlight != null) {
            inFlight.logits().cancel(false);
            inFlight = null;
        }
    }

    /**
     * The teacher's logits for a batch, on the inference thread. Should the batch fail, each text
     * is tried alone, and a text the teacher cannot label goes to {@code dead} (null in the result).
     */
    private List<float[]> labelBatch(List<Pending> batch, List<DeadLetter> dead) {
        List<String> texts = batch.stream().map(Pending::text).toList();
        long started = System.nanoTime();
        try {
            List<float[]> logits = labeler.label(texts);
            if (logits.size() != texts.size()) {
                throw new IllegalStateException("the teacher returned " + logits.size() + " results for " + texts.size() + " texts");
            }
            metrics.batch(batch.size(), System.nanoTime() - started);
            return logits;
        } catch (Exception e) {
            if (batch.size() == 1) {
                dead.add(new DeadLetter(batch.get(0).source(), "the teacher cannot label this text: " + e, e, "teacher-error"));
                List<float[]> none = new ArrayList<>();
                none.add(null);
                return none;
            }
            LOG.warn("the teacher failed on a batch of {}; labelling its texts one by one", batch.size(), e);
            List<float[]> logits = new ArrayList<>(batch.size());
            for (Pending pending : batch) {
                logits.add(labelBatch(List.of(pending), dead).get(0));
            }
            return logits;
        }
    }

    private List<ProducerRecord<byte[], byte[]>> records(Pending pending, float[] logits, Instant now) {
        byte[] key = pending.source().key();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(2);
        String labeledTopic = topics.labeled().name();
        LabeledText labeled;
        if (pending.escalated() != null) {
            EscalatedText in = pending.escalated();
            labeled = LabelMapping.labeled(in, logits, teacher, now);
            String predictions = topics.predictions().name();
            Prediction prediction = LabelMapping.prediction(in, logits, teacher, now);
            out.add(new ProducerRecord<>(predictions, key(key, in.getId()), predictionSerializer.serialize(predictions, prediction)));
            metrics.labeled("escalated", logits, now.toEpochMilli() - in.getEventTime().toEpochMilli());
        } else {
            AugmentedText in = pending.augmented();
            labeled = LabelMapping.labeled(in, logits, teacher, now);
            metrics.labeled("augmented", logits, now.toEpochMilli() - in.getEventTime().toEpochMilli());
        }
        out.add(new ProducerRecord<>(labeledTopic, key(key, labeled.getId()), labeledSerializer.serialize(labeledTopic, labeled)));
        return out;
    }

    /** The record's own key, or its id when it came without one. */
    private static byte[] key(byte[] key, String id) {
        return key != null ? key : id.getBytes(StandardCharsets.UTF_8);
    }

    /** After a failure: abort (or replace the producer), forget what was pending, seek back to the last commit. */
    private void recover() {
        metrics.aborted();
        forgetPending();
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
        rewind(consumer.assignment());
    }

    /** Drops the flush in flight and everything read but not committed (the next read starts from the last commit). */
    private void forgetPending() {
        dropInFlight();
        batcher.drain();
        deadLetters.clear();
        offsets.clear();
    }

    private void rewind(Set<TopicPartition> partitions) {
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

    private void updateLag() {
        long lag = 0;
        for (TopicPartition partition : consumer.assignment()) {
            lag += consumer.currentLag(partition).orElse(0);
        }
        metrics.consumerLag(lag);
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Commit what was read from them before another instance takes over (not while closing:
            // then the teacher is gone and the next owner relabels from the last commit).
            if (!partitions.isEmpty() && !closing) {
                flush();
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("assigned {}", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Someone else owns them already: whatever was pending is theirs to relabel.
            dropInFlight();
            batcher.drain();
            deadLetters.clear();
            offsets.clear();
        }
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.transactionalId() + "-consumer");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // One poll never brings more than one flush: with the queue below capacity before a poll,
        // it holds less than two flushes, and so does the flush in flight: less than four in all.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batcher.capacity());
        props.putAll(topics.augmented().consumerOverrides());
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        Map<String, Object> props = ExactlyOnce.producer(clientProperties, settings.transactionalId());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 262144);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putAll(topics.labeled().producerOverrides());
        KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        created.initTransactions();
        return created;
    }

    /** Asks the loop to stop: it commits what it holds and closes its clients. */
    public void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void closeClients() {
        // Whatever is still held is read again by the next owner; closing the consumer must not
        // try to commit it (its revocation callback would), and the teacher must be idle before
        // the service closes it: wait for a dropped flush the inference thread may still be on.
        closing = true;
        forgetPending();
        inference.shutdown();
        try {
            if (!inference.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("the teacher is still labelling 60 s after the loop stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        KafkaClients.closeQuietly(consumer);
        KafkaClients.closeQuietly(producer);
        augmentedDecoder.close();
        escalatedDecoder.close();
        labeledSerializer.close();
        predictionSerializer.close();
    }
}
