package io.distillery.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * A real Apache Kafka broker in its own JVM: KRaft, one node acting as broker and controller,
 * bound to the configured host, its log under the data directory. Formatted on first start,
 * reused afterwards, so a restart keeps every topic and offset.
 */
public final class KafkaBroker {

    /** Large enough for a student checkpoint in one record (see the topic catalogue). */
    private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private final PlatformSettings settings;
    private final ManagedProcess process;
    private final Path home;

    KafkaBroker(PlatformSettings settings) {
        this.settings = settings;
        this.process = new ManagedProcess("kafka-broker", settings.runDir());
        this.home = settings.dataDir().resolve("kafka");
    }

    ManagedProcess process() {
        return process;
    }

    public String bootstrapServers() {
        return settings.bootstrapServers();
    }

    void start(RuntimeArtifacts artifacts) {
        Path config = writeConfig();
        Path logDir = home.resolve("log");
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(config, artifacts);
        }
        process.start(java(), jvmArgs(settings.kafkaHeap(), artifacts), List.of("kafka.Kafka", config.toString()), Map.of());
    }

    /** Whether the broker answers a metadata request. */
    boolean ready() {
        // A plain connect first: an Admin client against a closed port logs a warning per attempt.
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(settings.host(), settings.kafkaPort()), 1000);
        } catch (IOException notListeningYet) {
            return false;
        }
        Map<String, Object> props = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(props)) {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes()
                    .get(4, TimeUnit.SECONDS).isEmpty();
        } catch (Exception notYet) {
            return false;
        }
    }

    private Path writeConfig() {
        String host = settings.host();
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.bootstrap.servers", host + ":" + settings.controllerPort());
        p.setProperty("listeners", "PLAINTEXT://" + host + ":" + settings.kafkaPort()
                + ",CONTROLLER://" + host + ":" + settings.controllerPort());
        p.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + settings.kafkaPort());
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.setProperty("log.dirs", home.resolve("log").toString());
        // One node: every internal topic has a single replica, or consumers and transactions never start.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "6");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "6");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // The cleaner's default 128 MiB dedupe buffer is most of an idle broker's heap; compacted
        // topics here are small.
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        // After a kill -9 the controller refuses the restarted broker until the old session
        // expires: keep that short (default 9 s) so a crashed platform comes back quickly.
        p.setProperty("broker.session.timeout.ms", "3000");
        p.setProperty("broker.heartbeat.interval.ms", "1000");
        // Topics come from the catalogue (and Kafka Streams creates its own internal topics explicitly).
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        p.setProperty("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        p.setProperty("socket.request.max.bytes", Integer.toString(2 * MAX_MESSAGE_BYTES));
        Path file = home.resolve("server.properties");
        try {
            Files.createDirectories(home);
            try (var out = Files.newBufferedWriter(file)) {
                p.store(out, "written by distillery on every start; edit PlatformSettings, not this file");
            }
            Files.writeString(home.resolve("log4j2.xml"), LOG4J2_CONFIG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Formats the log directory as a fresh single-node KRaft cluster (standalone controller quorum). */
    private void format(Path config, RuntimeArtifacts artifacts) {
        List<String> command = new ArrayList<>();
        command.add(java().toString());
        command.addAll(jvmArgs("256m", artifacts));
        command.addAll(List.of("kafka.tools.StorageTool", "format", "--standalone",
                "--cluster-id=" + clusterId(), "--config", config.toString()));
        try {
            Process format = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(format.getInputStream().readAllBytes());
            if (format.waitFor() != 0) {
                throw new IllegalStateException("formatting " + home + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private List<String> jvmArgs(String heap, RuntimeArtifacts artifacts) {
        return List.of(
                "-Xms" + heap, "-Xmx" + heap,
                "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + home.resolve("log4j2.xml"),
                "-Dkafka.logs.dir=" + home,
                "-cp", artifacts.kafkaClasspathString());
    }

    private static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * Kafka's cluster ids are base64url-encoded UUIDs without padding (22 characters). Like
     * Kafka's own generator, never one starting with '-': command lines would read it as a flag.
     */
    static String clusterId() {
        String id;
        do {
            UUID uuid = UUID.randomUUID();
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16);
            bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
        } while (id.startsWith("-"));
        return id;
    }

    /** INFO and above to kafka/server.log; only warnings to the process log. */
    private static final String LOG4J2_CONFIG = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Configuration status="WARN" shutdownHook="disable">
              <Appenders>
                <Console name="STDOUT" target="SYSTEM_OUT">
                  <PatternLayout pattern="[%d] %p %m (%c)%n"/>
                  <ThresholdFilter level="WARN" onMatch="ACCEPT" onMismatch="DENY"/>
                </Console>
                <RollingFile name="FILE" fileName="${sys:kafka.logs.dir}/server.log"
                             filePattern="${sys:kafka.logs.dir}/server.log.%i">
                  <PatternLayout pattern="[%d] %p %m (%c)%n"/>
                  <SizeBasedTriggeringPolicy size="20MB"/>
                  <DefaultRolloverStrategy max="3"/>
                </RollingFile>
              </Appenders>
              <Loggers>
                <Root level="INFO"><AppenderRef ref="STDOUT"/><AppenderRef ref="FILE"/></Root>
                <Logger name="kafka.request.logger" level="WARN"/>
              </Loggers>
            </Configuration>
            """;
}
