package io.distillery.launcher;

import io.distillery.schemas.RolloutAction;
import io.distillery.schemas.RolloutCommand;
import io.distillery.schemas.RolloutEvent;
import io.distillery.schemas.RolloutState;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./distillery rollout ...}: writes a RolloutCommand to student.rollouts, where serving's
 * controller decides on it, and waits for the resulting event on student.rollout-events. Anyone
 * who may write to the topic may roll out: guard it with Kafka ACLs in production (REST callers
 * need serving's control token instead).
 */
@Command(name = "rollout", description = "Show or change which student checkpoint serves: status | promote ID | canary ID --fraction F | "
        + "shadow ID | pin | unpin | rollback.")
final class RolloutCliCommand implements Callable<Integer> {

    @Mixin
    PlatformOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ACTION", description = "status, promote, canary, shadow, pin, unpin or rollback.")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "CHECKPOINT", description = "The checkpoint id (promote, canary, shadow).")
    String checkpointId;

    @Option(names = "--fraction", description = "Canary traffic fraction, 0..1.")
    Double fraction;

    @Option(names = "--lineage", defaultValue = "bilstm-sentiment",
            description = "The student lineage (default ${DEFAULT-VALUE}, the demo's student; the services' own default, as in docker-compose.yml, is mlp-sentiment).")
    String lineage;

    @Option(names = "--reason", defaultValue = "requested from the command line", description = "Why; kept on the event.")
    String reason;

    @Option(names = "--wait", defaultValue = "PT15S", converter = DurationConverter.class,
            description = "How long to wait for serving's decision (default ${DEFAULT-VALUE}).")
    Duration wait;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RegistryConfig registry = RegistryConfig.at(options.settings().registryUrl());
        if (action.equalsIgnoreCase("status")) {
            Map<String, RolloutEvent> latest = latestEvents(registry, Optional.empty(), Duration.ofSeconds(5));
            if (latest.isEmpty()) {
                out.println("No rollout has happened yet: nothing is live.");
            }
            latest.values().forEach(e -> out.println(describe(e)));
            return 0;
        }
        RolloutAction rolloutAction = parse(action);
        boolean needsCheckpoint = rolloutAction == RolloutAction.PROMOTE || rolloutAction == RolloutAction.CANARY
                || rolloutAction == RolloutAction.SHADOW;
        if (needsCheckpoint && checkpointId == null) {
            throw new IllegalArgumentException(action + " needs a checkpoint id: ./distillery rollout " + action + " <checkpoint-id>");
        }
        if (rolloutAction == RolloutAction.CANARY && (fraction == null || fraction <= 0 || fraction > 1)) {
            throw new IllegalArgumentException("canary needs --fraction in (0, 1]");
        }
        RolloutCommand command = RolloutCommand.newBuilder().setId(UUID.randomUUID().toString()).setLineage(lineage)
                .setAction(rolloutAction).setCheckpointId(needsCheckpoint ? checkpointId : null)
                .setCanaryFraction(rolloutAction == RolloutAction.CANARY ? fraction : null)
                .setRequestedBy("cli:" + System.getProperty("user.name", "unknown")).setReason(reason)
                .setRequestedAt(Instant.now()).build();
        String topic = Topics.STUDENT_ROLLOUTS.name();
        try (Serde<RolloutCommand> serde = Topics.STUDENT_ROLLOUTS.valueSerde(registry);
             KafkaProducer<String, RolloutCommand> producer = new KafkaProducer<>(
                     Map.of("bootstrap.servers", options.settings().bootstrapServers(), "acks", "all"),
                     new StringSerializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>(topic, lineage, command)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the command to " + topic + ": " + e.getMessage(), e);
        }
        out.printf("Sent %s (command %s); waiting for serving's decision...%n", rolloutAction, command.getId());
        Map<String, RolloutEvent> answer = latestEvents(registry, Optional.of(command.getId().toString()), wait);
        if (answer.isEmpty()) {
            out.println("No decision within " + wait.toSeconds() + " s: is serving-svc running? The command stays on " + topic + ".");
            return 2;
        }
        RolloutEvent event = answer.values().iterator().next();
        out.println(describe(event));
        return event.getKind().name().equals("REFUSED") ? 1 : 0;
    }

    /** The newest event per lineage, or (with a command id) the event answering that command. */
    private Map<String, RolloutEvent> latestEvents(RegistryConfig registry, Optional<String> commandId, Duration timeout) {
        String topic = Topics.STUDENT_ROLLOUT_EVENTS.name();
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.settings().bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, RolloutEvent> latest = new LinkedHashMap<>();
        try (Serde<RolloutEvent> serde = Topics.STUDENT_ROLLOUT_EVENTS.valueSerde(registry);
             Deserializer<RolloutEvent> reader = serde.deserializer();
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    if (record.value() == null) {
                        continue;
                    }
                    RolloutEvent event = reader.deserialize(topic, record.value());
                    if (commandId.isEmpty() || commandId.get().equals(String.valueOf(event.getCommandId()))) {
                        latest.put(event.getLineage().toString(), event);
                    }
                }
                boolean caughtUp = partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
                if (commandId.isPresent() ? !latest.isEmpty() : caughtUp) {
                    break;
                }
            }
        }
        return latest;
    }

    static String describe(RolloutEvent event) {
        RolloutState state = event.getState();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s %s %s by %s: %s%n", event.getAt(), event.getLineage(),
                event.getKind(), event.getDecidedBy(), event.getReason()));
        line.append(String.format(Locale.ROOT, "  live %s (previous %s)", orNone(state.getLiveCheckpointId()),
                state.getPreviousLiveIds().isEmpty() ? "none" : state.getPreviousLiveIds().get(state.getPreviousLiveIds().size() - 1)));
        if (state.getCanaryCheckpointId() != null) {
            line.append(String.format(Locale.ROOT, ", canary %s at %.0f%%", state.getCanaryCheckpointId(), 100 * state.getCanaryFraction()));
        }
        if (state.getShadowCheckpointId() != null) {
            line.append(", shadow ").append(state.getShadowCheckpointId());
        }
        line.append(state.getPinned() ? ", pinned (no automatic promotion)" : ", automatic promotion on");
        return line.toString();
    }

    private static String orNone(CharSequence id) {
        return id == null ? "none" : id.toString();
    }

    private static RolloutAction parse(String action) {
        try {
            return RolloutAction.valueOf(action.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown rollout action '" + action + "': use status, promote, canary, shadow, pin, unpin or rollback");
        }
    }
}
