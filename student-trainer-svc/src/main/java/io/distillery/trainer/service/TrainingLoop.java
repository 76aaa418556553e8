package io.distillery.trainer.service;

import io.distillery.schemas.LabeledText;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.topics.Backoff;
import io.distillery.topics.DeadLetters;
import io.distillery.topics.KafkaClients;
import io.distillery.topics.RecordDecoder;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.RegistryUnavailableException;
import io.distillery.topics.RegistryWaits;
import io.distillery.topics.Topic;
import io.distillery.trainer.Example;
import io.distillery.trainer.Examples;
import io.distillery.trainer.Position;
import io.distillery.trainer.Trainer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's Kafka wiring, on one thread (which also owns the student: PyTorch state is per thread):
 *
 * <pre>
 * start: latest checkpoint of the lineage on student.checkpoints → Trainer (its weights and position)
 *        → assign every partition of text.labeled, seek to the position's next offsets (others: start)
 * loop:  poll → decode (RecordDecoder; failures → text.labeled.dlq) → queue
 *        → full batches, in groups of length-bucket-batches (or what is queued once the oldest has
 *          waited partial-batch-after) sorted by length; a partial batch after partial-batch-after
 *          of quiet → Trainer.step on each batch
 *        → every N steps / T seconds / on request: snapshot → student.checkpoints
 * stop:  train what is queued, publish a last checkpoint if anything changed
 * </pre>
 *
 * <b>Delivery.</b> The checkpoint carries its own input offsets ("everything before these is in
 * the weights"), so a restarted trainer resumes from exactly the last published checkpoint: what
 * was trained after it is trained again (those updates were lost with the process), nothing is
 * skipped and nothing included in the weights is trained twice. Checkpoints need no transaction:
 * weights and offsets travel in the same record. Committing offsets to the consumer group after
 * each checkpoint is for lag monitoring only. Dead letters are flushed before a checkpoint that
 * moves past them (at least once: a crash in between re-dead-letters them). A schema registry that
 * cannot be asked dead-letters nothing: the record is read again, after a pause, until it answers.
 */
public final class TrainingLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);

    /**
     * @param lengthBucketBatches   full batches of fresh examples sorted by length together, so texts of
     *                              similar length share a batch (a BiLSTM pays for every padded token);
     *                              the oldest waits at most {@code partialBatchAfter}; 1: arrival order
     * @param rehearsalStepsPerStep replay-only steps ({@link Trainer#rehearse}) each step on fresh
     *                              examples earns, taken while the loop is caught up with the stream
     * @param service               the name in dead-letter headers
     */
    public record Settings(String lineage, String groupId, List<String> labels, int batchSize, Duration partialBatchAfter,
                           int lengthBucketBatches, int checkpointEverySteps, Duration checkpointEvery, int rehearsalStepsPerStep,
                           String service) {
        public Settings {
            if (rehearsalStepsPerStep < 0) {
                throw new IllegalArgumentException("rehearsal steps per step must be >= 0, was " + rehearsalStepsPerStep);
            }
            if (lengthBucketBatches < 1) {
                throw new IllegalArgumentException("length-bucket batches must be >= 1, was " + lengthBucketBatches);
            }
        }
    }

    /** A consumed record in order: an example, or a dead letter already sent; when it was queued. */
    private record Pending(ConsumerRecord<byte[], byte[]> record, Example example, long queuedNanos) {
    }

    private final Settings settings;
    private final Topic<LabeledText> labeled;
    private final CheckpointStore store;
    private final Function<Optional<StudentCheckpoint>, Trainer> trainers;
    private final Map<String, Object> clientProperties;
    private final RecordDecoder<LabeledText> decoder;
    private final TrainerMetrics metrics;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final Queue<CompletableFuture<StudentCheckpoint>> requests = new ConcurrentLinkedQueue<>();
    private volatile Consumer<List<Example>> observer = batch -> { };

    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> deadLetterProducer;
    private Trainer trainer;
    private int pendingExamples;
    /**
     * Rehearsal steps owed: each fresh step adds rehearsal-steps-per-step, up to one length-bucket
     * group's worth (fresh steps come in groups), so they never pile up beyond what a group earns.
     */
    private int rehearsals;
    /** A record the schema registry could not be asked about is read again (the position only covers what was queued before it). */
    private final RegistryWaits registryWaits;
    private long lastRecordNanos = System.nanoTime();
    private long lastCheckpointNanos = System.nanoTime();
    private long stepsAtLastCheckpoint;
    private volatile StudentCheckpoint lastCheckpoint;
    private volatile Position resumedFrom;
    private volatile boolean running = true;
    private volatile boolean crashed;
    private volatile boolean started;
    private volatile long lastIterationNanos = System.nanoTime();
    private volatile Throwable fatal;

    /**
     * @param trainers builds the trainer: from the lineage's latest checkpoint when there is one, fresh otherwise
     */
    public TrainingLoop(Settings settings, Topic<LabeledText> labeled, CheckpointStore store,
                        Function<Optional<StudentCheckpoint>, Trainer> trainers, Map<String, Object> clientProperties,
                        RegistryConfig registry, TrainerMetrics metrics) {
        this.settings = settings;
        this.labeled = labeled;
        this.registryWaits = new RegistryWaits(labeled.name());
        this.store = store;
        this.trainers = trainers;
        this.clientProperties = Map.copyOf(clientProperties);
        this.decoder = new RecordDecoder<>(labeled, registry);
        this.metrics = metrics;
    }

    /** Sees every batch of fresh examples after its step (tests). */
    public void observeTrained(Consumer<List<Example>> observer) {
        this.observer = observer;
    }

    @Override
    public void run() {
        try {
            Optional<StudentCheckpoint> latest = latestCheckpoint();
            trainer = trainers.apply(latest);
            lastCheckpoint = latest.orElse(null);
            resumedFrom = trainer.position();
            stepsAtLastCheckpoint = resumedFrom.steps();
            consumer = newConsumer();
            deadLetterProducer = newProducer();
            seekToPosition(resumedFrom);
            started = true;
            LOG.info("training lineage {} on {}: {}", settings.lineage(), labeled.name(),
                    latest.map(c -> "resumed from checkpoint " + c.getId() + " (" + resumedFrom + ")").orElse("new lineage"));
            while (running) {
                lastIterationNanos = System.nanoTime();
                try {
                    iterate();
                } catch (WakeupException e) {
                    if (running) {
                        throw e;
                    }
                }
            }
            // a clean stop keeps everything it read: train it and checkpoint
            if (crashed) {
                return;
            }
            if (pendingExamples > 0) {
                trainGroup(pendingExamples);
            }
            if (trainer.position().steps() > stepsAtLastCheckpoint || !requests.isEmpty()) {
                checkpoint();
            }
        } catch (Throwable e) {
            fatal = e;
            LOG.error("the training loop stopped", e);
        } finally {
            CompletableFuture<StudentCheckpoint> request;
            while ((request = requests.poll()) != null) {
                request.completeExceptionally(new IllegalStateException("the training loop stopped", fatal));
            }
            close();
        }
    }

    /**
     * The lineage's latest checkpoint, asked for again while the schema registry cannot be: passing
     * over one it could not read might resume from an older checkpoint, or start the lineage afresh.
     */
    private Optional<StudentCheckpoint> latestCheckpoint() {
        for (int failures = 1; ; failures++) {
            try {
                return store.latest(settings.lineage());
            } catch (RegistryUnavailableException e) {
                if (!running) {
                    throw e;
                }
                LOG.warn("reading the lineage's checkpoints waits for the schema registry ({} in a row): {}", failures,
                        e.getMessage());
                Backoff.pauseAfter(failures);
            }
        }
    }

    private void seekToPosition(Position position) {
        List<TopicPartition> partitions = consumer.partitionsFor(labeled.name(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(labeled.name(), p.partition())).toList();
        consumer.assign(partitions);
        Map<Position.Partition, Long> next = position.nextOffsets();
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long offset = next.get(new Position.Partition(tp.topic(), tp.partition()));
            if (offset == null) {
                fromStart.add(tp);
            } else {
                consumer.seek(tp, offset);
            }
        }
        if (!fromStart.isEmpty()) {
            consumer.seekToBeginning(fromStart); // (an empty list would mean every assigned partition)
        }
        LOG.info("reading {} from {} (others from the start: {})", labeled.name(), next, fromStart);
    }

    void iterate() {
        // with rehearsal steps owed, only look for new records between them; else wait for some
        ConsumerRecords<byte[], byte[]> records = consumer.poll(rehearsals > 0 ? Duration.ZERO : POLL);
        registryWaits.handle(consumer, records, this::accept);
        long now = System.nanoTime();
        if (!records.isEmpty()) {
            lastRecordNanos = now;
            updateLag();
        }
        while (groupDue(now)) {
            trainGroup(Math.min(settings.lengthBucketBatches(), pendingExamples / settings.batchSize()) * settings.batchSize());
        }
        if (pendingExamples > 0 && now - lastRecordNanos >= settings.partialBatchAfter().toNanos()) {
            trainGroup(pendingExamples);
        }
        if (pendingExamples == 0) {
            passDeadLetters(Integer.MAX_VALUE);
        }
        // Only while caught up (the poll brought less than a batch): behind the stream, fresh records
        // need every step. One per poll, so new records are never kept waiting long.
        if (rehearsals > 0 && records.count() < settings.batchSize()) {
            rehearse();
        }
        if (checkpointDue(System.nanoTime())) {
            checkpoint();
        }
        registryWaits.pauseIfWaiting(!records.isEmpty());
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        RecordDecoder.Decoded<LabeledText> decoded = decoder.decode(record);
        if (!decoded.ok()) {
            deadLetter(record, decoded.failure(), decoded.cause(), "undecodable");
            return;
        }
        try {
            Example example = Examples.from(decoded.value(), settings.labels(), record.topic(), record.partition(), record.offset());
            pending.addLast(new Pending(record, example, System.nanoTime()));
            pendingExamples++;
        } catch (Examples.Unusable e) {
            deadLetter(record, e.getMessage(), null, "unusable");
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, Throwable cause, String category) {
        LOG.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
        deadLetterProducer.send(DeadLetters.deadLetter(record, settings.service(), reason, cause));
        metrics.deadLettered(category);
        pending.addLast(new Pending(record, null, System.nanoTime()));
    }

    /** Moves the position past dead letters at the head of the queue. */
    private void passDeadLetters(int max) {
        while (!pending.isEmpty() && pending.peekFirst().example() == null && max-- > 0) {
            ConsumerRecord<byte[], byte[]> r = pending.removeFirst().record();
            trainer.skip(r.topic(), r.partition(), r.offset());
        }
    }

    /**
     * Whether a group of full batches is due: {@code lengthBucketBatches} of them are queued, or at
     * least one is and the oldest queued example has waited {@code partialBatchAfter}.
     */
    private boolean groupDue(long now) {
        if (pendingExamples < settings.batchSize()) {
            return false;
        }
        return pendingExamples >= settings.batchSize() * settings.lengthBucketBatches()
                || now - oldestQueuedNanos() >= settings.partialBatchAfter().toNanos();
    }

    private long oldestQueuedNanos() {
        for (Pending p : pending) {
            if (p.example() != null) {
                return p.queuedNanos();
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * One step on each batch cut from the next {@code size} queued examples sorted by length (dead
     * letters in between are passed; the last batch may be partial). No checkpoint falls between
     * these steps, so the position, which moves to the highest offset trained, never passes an
     * example that is not yet in the weights.
     */
    private void trainGroup(int size) {
        List<Pending> group = new ArrayList<>(size);
        while (group.size() < size) {
            Pending next = pending.removeFirst();
            if (next.example() == null) {
                trainer.skip(next.record().topic(), next.record().partition(), next.record().offset());
            } else {
                group.add(next);
                pendingExamples--;
            }
        }
        group.sort(Comparator.comparingInt(p -> p.example().text().length()));
        for (int from = 0; from < group.size(); from += settings.batchSize()) {
            trainBatch(group.subList(from, Math.min(group.size(), from + settings.batchSize())));
        }
    }

    /** One step on {@code queued}; a step that fails dead-letters its examples. */
    private void trainBatch(List<Pending> queued) {
        List<Example> batch = queued.stream().map(Pending::example).toList();
        List<ConsumerRecord<byte[], byte[]>> sources = queued.stream().map(Pending::record).toList();
        try {
            Trainer.StepResult result = trainer.step(batch);
            metrics.stepped(batch.size(), trainer.lossAverage(), result.agreement(), trainer.devAccuracy(), result.learningRate());
            rehearsals = Math.min(rehearsals + settings.rehearsalStepsPerStep(),
                    settings.rehearsalStepsPerStep() * settings.lengthBucketBatches());
            observer.accept(batch);
        } catch (RuntimeException e) {
            // The weights are as before the step (a failure is raised before the update): dead-letter the batch.
            LOG.warn("training step failed on {} examples; dead-lettering them", batch.size(), e);
            for (int i = 0; i < batch.size(); i++) {
                ConsumerRecord<byte[], byte[]> r = sources.get(i);
                deadLetterProducer.send(DeadLetters.deadLetter(r, settings.service(), "training step failed: " + e, e));
                metrics.deadLettered("step-failed");
                trainer.skip(r.topic(), r.partition(), r.offset());
            }
        }
    }

    private void rehearse() {
        rehearsals--;
        try {
            trainer.rehearse(settings.batchSize()).ifPresentOrElse(
                    result -> metrics.rehearsed(trainer.lossAverage(), trainer.devAccuracy(), result.learningRate()),
                    () -> rehearsals = 0); // the replay buffer is still smaller than a batch
        } catch (RuntimeException e) {
            LOG.warn("rehearsal step failed; no more until the next fresh step", e);
            rehearsals = 0;
        }
    }

    private boolean checkpointDue(long now) {
        if (!requests.isEmpty()) {
            return true;
        }
        long since = trainer.position().steps() - stepsAtLastCheckpoint;
        if (since <= 0) {
            return false;
        }
        if (settings.checkpointEverySteps() > 0 && since >= settings.checkpointEverySteps()) {
            return true;
        }
        return !settings.checkpointEvery().isZero() && now - lastCheckpointNanos >= settings.checkpointEvery().toNanos();
    }

    private void checkpoint() {
        lastCheckpointNanos = System.nanoTime();
        List<CompletableFuture<StudentCheckpoint>> waiting = new ArrayList<>();
        CompletableFuture<StudentCheckpoint> request;
        while ((request = requests.poll()) != null) {
            waiting.add(request);
        }
        if (lastCheckpoint != null && trainer.position().toAvro().equals(lastCheckpoint.getTrainingPosition())) {
            // Nothing trained since: the last checkpoint is the answer; publishing it again would only duplicate it.
            waiting.forEach(w -> w.complete(lastCheckpoint));
            return;
        }
        try {
            deadLetterProducer.flush(); // the position may move past dead letters: they must be on the broker first
            StudentCheckpoint checkpoint = trainer.snapshot(settings.lineage(), Instant.now());
            int bytes = store.publish(checkpoint);
            trainer.published(checkpoint);
            metrics.checkpointed(bytes);
            lastCheckpoint = checkpoint;
            stepsAtLastCheckpoint = checkpoint.getTrainingPosition().getSteps();
            commitForMonitoring(trainer.position());
            waiting.forEach(w -> w.complete(checkpoint));
        } catch (RuntimeException e) {
            LOG.warn("checkpoint failed; training goes on and the next one is tried at the next due time", e);
            waiting.forEach(w -> w.completeExceptionally(e));
        }
    }

    private void commitForMonitoring(Position position) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        position.nextOffsets().forEach((p, o) -> {
            if (p.topic().equals(labeled.name())) {
                offsets.put(new TopicPartition(p.topic(), p.partition()), new OffsetAndMetadata(o));
            }
        });
        try {
            consumer.commitSync(offsets, Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.debug("offset commit (monitoring only) failed", e);
        }
    }

    private void updateLag() {
        long lag = 0;
        for (TopicPartition partition : consumer.assignment()) {
            lag += consumer.currentLag(partition).orElse(0);
        }
        metrics.consumerLag(lag + pending.size());
    }

    /** Asks the loop for a checkpoint now; completes once it is on student.checkpoints. */
    public CompletableFuture<StudentCheckpoint> requestCheckpoint() {
        CompletableFuture<StudentCheckpoint> future = new CompletableFuture<>();
        if (fatal != null || !running) {
            future.completeExceptionally(new IllegalStateException("the training loop is not running", fatal));
        } else {
            requests.add(future);
        }
        return future;
    }

    /** The last checkpoint published (or resumed from), if any. */
    public Optional<StudentCheckpoint> lastCheckpoint() {
        return Optional.ofNullable(lastCheckpoint);
    }

    /** The position the loop resumed from (empty for a new lineage); null before start. */
    public Position resumedFrom() {
        return resumedFrom;
    }

    public boolean isAlive(Duration stallLimit) {
        return started && running && fatal == null && System.nanoTime() - lastIterationNanos < stallLimit.toNanos();
    }

    public boolean started() {
        return started;
    }

    public Throwable failure() {
        return fatal;
    }

    /** Asks the loop to stop: it trains what it holds, checkpoints, and closes its clients. */
    public void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    /** Tests: stops as a crash would, without training what is queued or a last checkpoint. */
    void crash() {
        crashed = true;
        stop();
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(64, settings.batchSize() * 4));
        props.putAll(labeled.consumerOverrides());
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putAll(labeled.producerOverrides());
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private void close() {
        KafkaClients.closeQuietly(consumer);
        KafkaClients.closeQuietly(deadLetterProducer);
        decoder.close();
        if (trainer != null) {
            trainer.close();
        }
    }
}
