package io.distillery.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged Quarkus service ({@code target/quarkus-app/quarkus-run.jar}) in a JVM of its own,
 * pointed at a test platform: started, asked over HTTP, stopped (SIGTERM: Quarkus shuts down
 * cleanly) or killed (SIGKILL: nothing runs, as in a crash). Its output goes to a log file that
 * failures name. {@link #close()} kills what is still alive, so a test leaves no process behind.
 *
 * <p>Generic: the trainer's crash test, the serving replicas test and the benches launch services with it.
 */
public final class ServiceJar implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Thread shutdownHook;

    private ServiceJar(Process process, Path log, int httpPort, Thread shutdownHook) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
        this.shutdownHook = shutdownHook;
    }

    /** Builder for one service JVM. */
    public static final class Launch {
        private final Path jar;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>(List.of("-Xmx512m"));
        private String name = "service";
        private Path logDir = Path.of("target");

        private Launch(Path jar) {
            this.jar = jar;
        }

        /** Kafka, registry and topic prefix of the platform, as service-support reads them. */
        public Launch platform(TestPlatform platform, String topicPrefix) {
            environment.put("DISTILLERY_KAFKA_BOOTSTRAP_SERVERS", platform.bootstrapServers());
            environment.put("DISTILLERY_REGISTRY_URL", platform.registryUrl());
            environment.put("DISTILLERY_TOPICS_PREFIX", topicPrefix);
            return this;
        }

        public Launch env(String key, String value) {
            environment.put(key, value);
            return this;
        }

        public Launch jvmOptions(String... options) {
            jvmOptions.clear();
            jvmOptions.addAll(List.of(options));
            return this;
        }

        /** Names the log file {@code <logDir>/<name>-*.log}. */
        public Launch name(String value) {
            name = value;
            return this;
        }

        public Launch logDir(Path value) {
            logDir = value;
            return this;
        }

        public ServiceJar start() throws IOException {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " missing: package the service first (mvn package)");
            }
            Files.createDirectories(logDir);
            Path logFile = Files.createTempFile(logDir, name + "-", ".log");
            int port = LoopbackPorts.free(1).get(0);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.add("-jar");
            command.add(jar.toAbsolutePath().toString());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
            builder.environment().put("DJL_OFFLINE", "true");
            builder.environment().put("OPT_OUT_TRACKING", "true");
            builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
            builder.environment().putAll(environment);
            Process process = builder.start();
            // A test or bench JVM that exits before close() (Ctrl-C, System.exit) leaves no service behind.
            Thread hook = new Thread(process::destroy, "stop-" + name);
            Runtime.getRuntime().addShutdownHook(hook);
            return new ServiceJar(process, logFile, port, hook);
        }
    }

    /**
     * The packaged jar the pom's {@code packaged-service-it} execution names in system property
     * {@code property}; in the {@code test} phase, before {@code package}, there is none and the
     * calling test is skipped.
     */
    public static Path packagedJar(String property) {
        String value = System.getProperty(property);
        org.junit.jupiter.api.Assumptions.assumeTrue(value != null,
                "needs the packaged jar (" + property + "): runs in the integration-test phase");
        return Path.of(value);
    }

    public static Launch of(Path jar) {
        return new Launch(jar);
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + "/" + (path.startsWith("/") ? path.substring(1) : path));
    }

    /** CPU time of the service JVM so far, every thread (from /proc via ProcessHandle); 0 where the OS does not say. */
    public long cpuNanos() {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * The service JVM's threads ({@code jcmd PID Thread.print}), for a test about to fail on a
     * service that is alive but not doing what it should; a line saying why when there is none.
     */
    public String threadDump() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            String out = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            dump.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "no thread dump: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no thread dump: interrupted";
        }
    }

    /** Throws (naming the log) when the JVM has exited. */
    public void requireAlive() {
        if (!process.isAlive()) {
            throw new AssertionError("the service exited with " + process.exitValue() + "; see " + log + ":\n" + tail(40));
        }
    }

    /** Waits until {@code GET path} answers 200 (e.g. {@code q/health/ready}); fails if the JVM exits or after the timeout. */
    public void awaitHttpOk(String path, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            requireAlive();
            try {
                if (get(path).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " not 200 within " + timeout + "; see " + log + ":\n" + tail(40));
            }
            Thread.sleep(200);
        }
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(3)).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POST a JSON body, with an {@code Authorization} header unless {@code authorization} is null. */
    public HttpResponse<String> postJson(String path, String json, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL (Process.destroyForcibly on Linux): no shutdown hook, no flush, no close; waits until the JVM is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("pid " + process.pid() + " survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM: the service shuts down cleanly; returns its exit code (SIGKILL after the timeout). */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new AssertionError("pid " + process.pid() + " did not stop within " + timeout + " of SIGTERM; killed. See " + log);
        }
        return process.exitValue();
    }

    /** The last lines of the log. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway and finds the process gone
        }
    }
}
