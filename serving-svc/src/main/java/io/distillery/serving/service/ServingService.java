package io.distillery.serving.service;

import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import io.distillery.schemas.RolloutCommand;
import io.distillery.schemas.RolloutEvent;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.service.Catalogue;
import io.distillery.serving.CheckpointCache;
import io.distillery.serving.ModelSlots;
import io.distillery.serving.Roles;
import io.distillery.serving.RolloutDecider;
import io.distillery.serving.RolloutView;
import io.distillery.student.StudentRuntime;
import io.distillery.student.StudentTokenizer;
import io.distillery.topics.KafkaClients;
import io.distillery.topics.RecordDecoder;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.jboss.logging.Logger;

/**
 * Wires serving together at start-up and runs its threads until shutdown:
 *
 * <ul>
 *   <li>rollout-events follower: every replica reads student.rollout-events from the beginning into
 *       the {@link RolloutView} and makes its {@link ModelSlots} serve the latest state;</li>
 *   <li>checkpoints follower: student.checkpoints into the {@link CheckpointCache}, so the weights
 *       the state names are at hand;</li>
 *   <li>{@link RolloutController}: decides, on whichever replica the group elects;</li>
 *   <li>{@link PredictionLoop}: text.raw → text.predictions / text.escalated.</li>
 * </ul>
 */
@ApplicationScoped
public class ServingService {

    private static final Logger LOG = Logger.getLogger(ServingService.class);
    /** Previous live checkpoints whose bytes are kept however old (ROLLBACK goes back one at a time). */
    private static final int PREVIOUS_KEPT = 3;

    private final ServingConfig config;
    private final Catalogue catalogue;
    private final MeterRegistry meters;

    private StudentTokenizer tokenizer;
    private RolloutView view;
    private CheckpointCache cache;
    private ModelSlots<StudentModel> slots;
    private ServingMetrics metrics;
    private TopicFollower eventsFollower;
    private TopicFollower checkpointsFollower;
    private RolloutController controller;
    private PredictionLoop loop;
    private final List<Thread> threads = new java.util.ArrayList<>();
    private ScheduledExecutorService sampler;
    private KafkaProducer<byte[], byte[]> commandProducer;
    private Serializer<RolloutCommand> commandSerializer;
    private Topic<RolloutCommand> rolloutsTopic;
    private Roles wanted;
    private boolean wantedComplete;
    private volatile Map<String, String> loadFailures = Map.of();

    public ServingService(ServingConfig config, Catalogue catalogue, MeterRegistry meters) {
        this.config = config;
        this.catalogue = catalogue;
        this.meters = meters;
    }

    void onStart(@Observes StartupEvent event) {
        StudentRuntime.configure();
        tokenizer = StudentRuntime.tokenizer(config.tokenizer(), config.tokenizerName(), "distillery.serving.tokenizer");
        if (config.controlToken().isEmpty() || config.controlToken().get().isBlank()) {
            LOG.warn("no distillery.serving.control-token (DISTILLERY_SERVING_CONTROL_TOKEN): POST /rollouts answers 503");
        }
        String lineage = config.lineage();
        Map<String, Object> clients = catalogue.clientProperties();
        metrics = new ServingMetrics(meters, config.agreementWindow());
        view = new RolloutView(lineage, 200);
        cache = new CheckpointCache(config.checkpointCacheSize(), () -> view.referenced(PREVIOUS_KEPT));
        slots = new ModelSlots<>(id -> StudentModel.load(cache.get(id).orElseThrow(
                () -> new IllegalStateException("checkpoint " + id + " not read from student.checkpoints yet")), tokenizer));

        Topic<RolloutEvent> eventsTopic = catalogue.topic(Topics.STUDENT_ROLLOUT_EVENTS);
        Topic<StudentCheckpoint> checkpointsTopic = catalogue.topic(Topics.STUDENT_CHECKPOINTS);
        rolloutsTopic = catalogue.topic(Topics.STUDENT_ROLLOUTS);
        RecordDecoder<RolloutEvent> eventDecoder = new RecordDecoder<>(eventsTopic, catalogue.registry());
        eventsFollower = new TopicFollower(eventsTopic.name(), clients, Map.of(), record -> {
            RecordDecoder.Decoded<RolloutEvent> decoded = eventDecoder.decode(record);
            if (!decoded.ok()) {
                LOG.warnf("unreadable rollout event at %s-%d@%d: %s", record.topic(), record.partition(), record.offset(),
                        decoded.failure());
            } else if (view.apply(decoded.value())) {
                LOG.debugf("rollout event %s %s", decoded.value().getKind(), decoded.value().getCheckpointId());
            }
        }, this::reconcile);
        RecordDecoder<StudentCheckpoint> checkpointDecoder = new RecordDecoder<>(checkpointsTopic, catalogue.registry());
        checkpointsFollower = new TopicFollower(checkpointsTopic.name(), clients, checkpointsTopic.consumerOverrides(), record -> {
            RecordDecoder.Decoded<StudentCheckpoint> decoded = checkpointDecoder.decode(record);
            if (!decoded.ok()) {
                LOG.warnf("unreadable checkpoint record at %s-%d@%d (the controller dead-letters it): %s", record.topic(),
                        record.partition(), record.offset(), decoded.failure());
            } else if (lineage.equals(decoded.value().getLineage())) {
                cache.put(decoded.value());
                LOG.infof("read checkpoint %s (%s@%d)", decoded.value().getId(), record.topic(), record.offset());
            }
        }, this::reconcile);
        RolloutDecider decider = new RolloutDecider(new RolloutDecider.Settings(config.promotionMargin(), config.minDevAccuracy()),
                lineage);
        String controllerGroup = config.controllerGroupId() + "-" + lineage;
        controller = new RolloutController(new RolloutController.Topics(rolloutsTopic, checkpointsTopic, eventsTopic),
                controllerGroup, lineage, decider, view, eventsFollower, cache,
                new CheckpointEvaluator(tokenizer, UciSentiment.split(Split.DEV)), metrics, clients, catalogue.registry());
        String transactionalId = config.transactionalId().orElseGet(this::instanceId);
        loop = new PredictionLoop(new PredictionLoop.Settings(config.groupId(), transactionalId, config.maxBatchSize(),
                config.maxWait(), config.maxTextChars(), config.escalationThreshold(), config.withoutModel()),
                new PredictionLoop.Topics(catalogue.topic(Topics.TEXT_RAW), catalogue.topic(Topics.TEXT_PREDICTIONS),
                        catalogue.topic(Topics.TEXT_ESCALATED)), slots, metrics, clients, catalogue.registry());

        start(eventsFollower, "serving-rollout-events");
        start(checkpointsFollower, "serving-checkpoints");
        start(controller, "serving-rollout-controller");
        start(loop, "serving-prediction-loop");
        sampler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "serving-metrics-sampler"));
        sampler.scheduleAtFixedRate(metrics::sample, 1, 5, TimeUnit.SECONDS);
        LOG.infof("serving lineage %s: escalation below %.2f, promotion margin %.3f, without a live model: %s", lineage,
                config.escalationThreshold(), config.promotionMargin(), config.withoutModel());
    }

    private void start(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
    }

    /** Makes the models follow the rollout state (load before drop); retried whenever new events or checkpoints arrive. */
    private synchronized void reconcile() {
        Roles target = RolloutDecider.roles(view.state());
        if (target.equals(wanted) && wantedComplete) {
            return;
        }
        ModelSlots.Applied applied = slots.apply(target);
        if (!applied.served().equals(slots.roles())) {
            LOG.warnf("served roles changed concurrently: %s", slots.roles());
        }
        // a new target, a target reached, or a different reason for not reaching it: each is worth a line
        boolean changed = !target.equals(wanted) || !applied.failures().equals(loadFailures);
        wanted = target;
        wantedComplete = applied.complete();
        loadFailures = applied.failures();
        metrics.served(applied.served());
        if (changed || applied.complete()) {
            LOG.infof("serving %s%s", applied.served(), applied.complete() ? "" : "; waiting for " + applied.failures());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.stop();
        }
        if (controller != null) {
            controller.stop();
        }
        if (eventsFollower != null) {
            eventsFollower.stop();
        }
        if (checkpointsFollower != null) {
            checkpointsFollower.stop();
        }
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(20).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (sampler != null) {
            sampler.shutdownNow();
        }
        synchronized (this) {
            KafkaClients.closeQuietly(commandProducer);
        }
        if (slots != null) {
            slots.closeAll();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    /** Writes a command to student.rollouts (key: lineage) and waits for the broker's acknowledgement. */
    public void send(RolloutCommand command) throws InterruptedException, ExecutionException {
        KafkaProducer<byte[], byte[]> producer;
        synchronized (this) {
            if (commandProducer == null) {
                Map<String, Object> props = new HashMap<>(catalogue.clientProperties());
                props.put(ProducerConfig.ACKS_CONFIG, "all");
                props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                commandProducer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
                commandSerializer = rolloutsTopic.valueSerde(catalogue.registry()).serializer();
            }
            producer = commandProducer;
        }
        producer.send(new ProducerRecord<>(rolloutsTopic.name(), command.getLineage().getBytes(StandardCharsets.UTF_8),
                commandSerializer.serialize(rolloutsTopic.name(), command))).get();
    }

    public boolean ready() {
        return eventsFollower != null && eventsFollower.caughtUp() && checkpointsFollower.caughtUp() && loopAlive()
                && (view.state().getLiveCheckpointId() == null
                        || view.state().getLiveCheckpointId().equals(slots.roles().live()));
    }

    public boolean loopAlive() {
        Duration stall = Duration.ofMinutes(2);
        return loop != null && loop.isAlive(stall) && controller.isAlive(stall) && eventsFollower.isAlive(stall)
                && checkpointsFollower.isAlive(stall);
    }

    public ServingConfig config() {
        return config;
    }

    public RolloutView view() {
        return view;
    }

    public CheckpointCache cache() {
        return cache;
    }

    public ModelSlots<StudentModel> slots() {
        return slots;
    }

    public ServingMetrics metrics() {
        return metrics;
    }

    public boolean controlling() {
        return controller != null && controller.controlling();
    }

    public Map<String, String> loadFailures() {
        return loadFailures;
    }

    private String instanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "host";
        }
        return config.groupId() + "-" + host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
