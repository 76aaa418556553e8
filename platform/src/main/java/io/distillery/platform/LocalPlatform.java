package io.distillery.platform;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The embedded default platform: a real Kafka broker and a real schema registry, each in its
 * own JVM, started and stopped by PID. Used by {@code ./distillery up|status|down} and by the
 * integration-test harness.
 */
public final class LocalPlatform {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final PlatformSettings settings;
    private final KafkaBroker broker;
    private final SchemaRegistry registry;
    private final ManagedProcess brokerProcess;
    private final ManagedProcess registryProcess;

    public LocalPlatform(PlatformSettings settings) {
        this.settings = settings;
        this.broker = new KafkaBroker(settings);
        this.registry = new SchemaRegistry(settings);
        this.brokerProcess = broker.process();
        this.registryProcess = registry.process();
    }

    public PlatformSettings settings() {
        return settings;
    }

    /** What runs now, by PID. */
    public record Status(Optional<Long> brokerPid, Optional<Long> registryPid) {
        public boolean allRunning() {
            return brokerPid.isPresent() && registryPid.isPresent();
        }

        public boolean noneRunning() {
            return brokerPid.isEmpty() && registryPid.isEmpty();
        }
    }

    public Status status() {
        return new Status(brokerProcess.running().map(ProcessHandle::pid), registryProcess.running().map(ProcessHandle::pid));
    }

    /** The outcome of {@link #up}: which processes this call started (none if all were running). */
    public record UpResult(List<String> started, Status status) {
    }

    /**
     * Starts whatever of broker and registry is not running, waits until both answer, and
     * returns. Starting nothing when both run is not an error.
     */
    public UpResult up(Duration timeout) {
        Status before = status(); // also clears PID files left by crashed or foreign processes
        if (before.allRunning()) {
            return new UpResult(List.of(), before);
        }
        RuntimeArtifacts artifacts = RuntimeArtifacts.load();
        List<String> started = new ArrayList<>();
        if (before.brokerPid().isEmpty()) {
            requireFreePort(settings.kafkaPort(), "DISTILLERY_KAFKA_PORT");
            requireFreePort(settings.controllerPort(), "DISTILLERY_CONTROLLER_PORT");
        }
        if (before.registryPid().isEmpty()) {
            requireFreePort(settings.registryPort(), "DISTILLERY_REGISTRY_PORT");
            requireFreePort(settings.registryManagementPort(), "DISTILLERY_REGISTRY_MANAGEMENT_PORT");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            // Both start at once: the registry keeps its schemas in its own file, not in Kafka.
            if (before.brokerPid().isEmpty()) {
                broker.start(artifacts);
                started.add(brokerProcess.role());
            }
            if (before.registryPid().isEmpty()) {
                registry.start(artifacts);
                started.add(registryProcess.role());
            }
            awaitReady(brokerProcess, broker::ready, deadline);
            awaitReady(registryProcess, registry::ready, deadline);
            registry.enforceBackwardCompatibility();
        } catch (RuntimeException e) {
            // Leave nothing half-started behind: stop what this call started, keep what already ran.
            for (ManagedProcess process : List.of(registryProcess, brokerProcess)) {
                if (started.contains(process.role())) {
                    process.stop(STOP_GRACE);
                }
            }
            throw e;
        }
        return new UpResult(started, status());
    }

    /**
     * Creates the topics that do not exist yet (existing ones are left as they are) and returns
     * once every partition has a leader: producing earlier meets NOT_LEADER_OR_FOLLOWER retries,
     * and once even an out-of-order-sequence error, in tests.
     */
    public void createTopics(Collection<NewTopic> topics) {
        try (Admin admin = admin()) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e);
                    }
                }
            }
            awaitLeaders(admin, topics.stream().map(NewTopic::name).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the broker did not create the topics within 30 s", e);
        }
    }

    /**
     * Until every partition has a leader that answers for it. Metadata can name a leader before the
     * broker serves the partition: a first produce then gets NOT_LEADER_OR_FOLLOWER, and an
     * idempotent producer's retries of it were seen to end in OUT_OF_ORDER_SEQUENCE_NUMBER until the
     * delivery timeout (a test's inputs lost). Asking each leader for its end offset waits that out.
     */
    private static void awaitLeaders(Admin admin, List<String> names) throws InterruptedException, java.util.concurrent.TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                var described = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values();
                boolean named = described.stream()
                        .allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (named) {
                    Map<TopicPartition, OffsetSpec> ends = new java.util.HashMap<>();
                    described.forEach(t -> t.partitions().forEach(p -> ends.put(new TopicPartition(t.name(), p.partition()),
                            OffsetSpec.latest())));
                    admin.listOffsets(ends).all().get(10, TimeUnit.SECONDS);
                    return;
                }
            } catch (ExecutionException notYetVisibleOrServed) {
                // metadata may lag the creation by a moment, a leader its loading of the partition: ask again
            }
            if (System.nanoTime() > deadline) {
                throw new java.util.concurrent.TimeoutException("partitions of " + names + " got no leader in 30 s");
            }
            Thread.sleep(50);
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()));
    }

    /**
     * Restarts the broker: SIGKILL when {@code kill} (a crash: no controlled shutdown, the log is
     * recovered on start), SIGTERM otherwise; then starts it on the same data and waits until it
     * answers. For fault-injection runs.
     */
    public void restartBroker(boolean kill, Duration timeout) {
        Optional<ProcessHandle> running = brokerProcess.running();
        if (kill) {
            running.ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().join();
            });
        } else {
            brokerProcess.stop(STOP_GRACE);
        }
        broker.start(RuntimeArtifacts.load());
        awaitReady(brokerProcess, broker::ready, System.nanoTime() + timeout.toNanos());
    }

    /** The broker's process, if it runs (to measure or kill it). */
    public Optional<ProcessHandle> brokerProcess() {
        return brokerProcess.running();
    }

    /** The registry's process, if it runs. */
    public Optional<ProcessHandle> registryProcess() {
        return registryProcess.running();
    }

    /** Stops the registry, then the broker (controlled shutdown); returns the roles it stopped. */
    public List<String> down() {
        List<String> stopped = new ArrayList<>();
        for (ManagedProcess process : List.of(registryProcess, brokerProcess)) {
            if (process.stop(STOP_GRACE)) {
                stopped.add(process.role());
            }
        }
        return stopped;
    }

    private void awaitReady(ManagedProcess process, BooleanSupplier ready, long deadlineNanos) {
        while (!ready.getAsBoolean()) {
            if (process.running().isEmpty()) {
                throw new IllegalStateException(process.role() + " exited during start-up; last lines of "
                        + process.logFile() + ":\n" + process.logTail(30));
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException(process.role() + " not ready in time; see " + process.logFile()
                        + ":\n" + process.logTail(30));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + process.role(), e);
            }
        }
    }

    private void requireFreePort(int port, String variable) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(settings.host(), port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on " + settings.host() + " is taken by another process; "
                    + "choose another with " + variable + " (or --" + variable.toLowerCase().replace("distillery_", "").replace('_', '-') + ")");
        }
    }
}
