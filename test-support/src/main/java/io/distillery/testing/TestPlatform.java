package io.distillery.testing;

import io.distillery.platform.LocalPlatform;
import io.distillery.platform.PlatformSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real broker and registry for integration tests, on free loopback ports, with data in a
 * fresh directory under {@code target/distillery-it}: one per test JVM, started on first use and
 * stopped when the JVM exits. Platforms orphaned by an earlier run that was killed are stopped
 * first, so tests never leave brokers running for long.
 */
public final class TestPlatform {

    private static final Path BASE = Path.of(System.getProperty("distillery.it.dir", "target/distillery-it")).toAbsolutePath();
    private static final AtomicInteger NAMES = new AtomicInteger();

    /**
     * The running platform's settings, JVM-wide: Quarkus loads this class again in its own class
     * loaders, and every copy must find the one platform rather than start (or reap) another.
     */
    private static final String JVM_PLATFORM_PROPERTY = "io.distillery.testing.platform";
    /** Written into a platform's data directory: the JVM that owns it, so orphans can be told apart. */
    private static final String OWNER_FILE = "owner.pid";

    private static TestPlatform shared;

    private final LocalPlatform platform;

    private TestPlatform(LocalPlatform platform) {
        this.platform = platform;
    }

    /** The platform of this test JVM, started on first use. */
    public static synchronized TestPlatform shared() {
        if (shared == null) {
            synchronized (System.getProperties()) { // the one lock every class loader's copy shares
                String running = System.getProperty(JVM_PLATFORM_PROPERTY);
                shared = running != null ? new TestPlatform(new LocalPlatform(decode(running))) : start();
            }
        }
        return shared;
    }

    private static TestPlatform start() {
        stopOrphans();
        try {
            Files.createDirectories(BASE);
            Path dataDir = Files.createTempDirectory(BASE, "platform-");
            List<Integer> ports = LoopbackPorts.free(4);
            Map<String, String> variables = new HashMap<>();
            variables.put("DISTILLERY_KAFKA_PORT", ports.get(0).toString());
            variables.put("DISTILLERY_CONTROLLER_PORT", ports.get(1).toString());
            variables.put("DISTILLERY_REGISTRY_PORT", ports.get(2).toString());
            variables.put("DISTILLERY_REGISTRY_MANAGEMENT_PORT", ports.get(3).toString());
            variables.put("DISTILLERY_DATA_DIR", dataDir.toString());
            System.getenv().forEach((k, v) -> {
                if (k.equals("DISTILLERY_CACHE_DIR") || k.equals("DISTILLERY_REGISTRY_JAVA_HOME")) {
                    variables.put(k, v);
                }
            });
            Files.writeString(dataDir.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
            LocalPlatform platform = new LocalPlatform(PlatformSettings.from(variables, dataDir));
            // JVM exit is the end of the test run (surefire forks a JVM per module); stop there, but
            // only after this JVM's Kafka Streams apps (Quarkus closes them in its own shutdown hook):
            // a Streams app whose broker vanished waits ~35 s in close().
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                awaitStreamThreads(Duration.ofSeconds(20));
                platform.down();
            }, "distillery-test-platform-stop"));
            platform.up(Duration.ofMinutes(3));
            System.setProperty(JVM_PLATFORM_PROPERTY, encode(variables));
            return new TestPlatform(platform);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return platform.settings().bootstrapServers();
    }

    /** Base URL of the registry (the serde's {@code apicurio.registry.url}). */
    public String registryUrl() {
        return platform.settings().registryUrl();
    }

    /** The registry's Confluent-compatible API, for Confluent clients and REST checks. */
    public String confluentRegistryUrl() {
        return registryUrl() + "/apis/ccompat/v7";
    }

    /**
     * Stops the schema registry (SIGTERM; its schemas stay on disk), for tests of a registry outage.
     * Other tests of the JVM share it: bring it back with {@link #startRegistry} in a finally block.
     */
    public void stopRegistry() {
        platform.registryProcess().ifPresent(process -> {
            process.destroy();
            process.onExit().join();
        });
    }

    /** Starts the schema registry again on its old port and data, and waits until it answers. */
    public void startRegistry() {
        platform.up(Duration.ofMinutes(2));
    }

    /** A name no other test uses, e.g. {@code text.raw-7-3f9a}: give every test its own topics. */
    public String uniqueName(String base) {
        return base + "-" + NAMES.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 4);
    }

    public void createTopics(Collection<NewTopic> topics) {
        platform.createTopics(topics);
    }

    public Admin admin() {
        return platform.admin();
    }

    /** Client properties with the bootstrap servers set; add the rest per client. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers());
        return props;
    }

    private static void awaitStreamThreads(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().contains("StreamThread")) {
                try {
                    thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static String encode(Map<String, String> variables) {
        StringBuilder out = new StringBuilder();
        variables.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
        return out.toString();
    }

    private static PlatformSettings decode(String encoded) {
        Map<String, String> variables = new HashMap<>();
        encoded.lines().filter(l -> l.contains("=")).forEach(l -> variables.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return PlatformSettings.from(variables, Path.of(variables.get("DISTILLERY_DATA_DIR")));
    }

    /** Whether the JVM that started the platform in {@code dir} is gone. */
    private static boolean ownerGone(Path dir) {
        try {
            long owner = Long.parseLong(Files.readString(dir.resolve(OWNER_FILE)).trim());
            return ProcessHandle.of(owner).map(p -> !p.isAlive()).orElse(true);
        } catch (IOException | NumberFormatException e) {
            return true;
        }
    }

    /** Stops platforms whose test JVM died without stopping them (their PID files are still there). */
    private static void stopOrphans() {
        if (!Files.isDirectory(BASE)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(BASE)) {
            for (Path dir : dirs.filter(d -> Files.isDirectory(d.resolve("run"))).filter(TestPlatform::ownerGone).toList()) {
                Map<String, String> variables = Map.of("DISTILLERY_DATA_DIR", dir.toString());
                new LocalPlatform(PlatformSettings.from(variables, dir)).down();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
