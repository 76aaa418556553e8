package io.distillery.platform;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The four services as local processes (their Quarkus fast-jars, built by {@code mvn package}),
 * started beside the platform and stopped by PID like it. Every service is configured by
 * environment variables only, exactly as in docker-compose.yml: the launcher sets where Kafka and
 * the registry are and the HTTP port; every other {@code DISTILLERY_*} variable of the caller's
 * environment passes through unchanged.
 */
public final class LocalServices {

    private static final Duration STOP_GRACE = Duration.ofSeconds(40);

    /**
     * A service: its module, default HTTP port, heap and CPU niceness. The trainer runs at a lower
     * priority on a shared machine: the teacher's labels are what the whole loop waits for, and
     * the trainer's rehearsal steps only fill the CPU time the others leave (README, demo figures).
     */
    public enum Service {
        AUGMENTER("augmenter-svc", 8181, "512m", 0),
        TEACHER_LABELER("teacher-labeler-svc", 8182, "1g", 0),
        STUDENT_TRAINER("student-trainer-svc", 8183, "1g", 10),
        SERVING("serving-svc", 8184, "768m", 0);

        private final String module;
        private final int defaultPort;
        private final String heap;
        private final int niceness;

        Service(String module, int defaultPort, String heap, int niceness) {
            this.module = module;
            this.defaultPort = defaultPort;
            this.heap = heap;
            this.niceness = niceness;
        }

        public String module() {
            return module;
        }

        /** The variable that moves its HTTP port, e.g. DISTILLERY_SERVING_HTTP_PORT. */
        public String portVariable() {
            return "DISTILLERY_" + name() + "_HTTP_PORT";
        }

        /** The variable that sets its heap, e.g. DISTILLERY_SERVING_HEAP. */
        public String heapVariable() {
            return "DISTILLERY_" + name() + "_HEAP";
        }

        /** The variable that sets its niceness (0 = normal priority), e.g. DISTILLERY_STUDENT_TRAINER_NICE. */
        public String niceVariable() {
            return "DISTILLERY_" + name() + "_NICE";
        }
    }

    private final PlatformSettings settings;
    private final Path projectDir;
    private final Map<String, String> variables;
    private final Map<Service, ManagedProcess> processes = new EnumMap<>(Service.class);

    /**
     * @param variables the environment (ports and heaps are read from it)
     */
    public LocalServices(PlatformSettings settings, Path projectDir, Map<String, String> variables) {
        this.settings = settings;
        this.projectDir = projectDir;
        this.variables = Map.copyOf(variables);
        for (Service service : Service.values()) {
            processes.put(service, new ManagedProcess(service.module(), settings.runDir()));
        }
    }

    public int port(Service service) {
        String value = variables.get(service.portVariable());
        return value == null || value.isBlank() ? service.defaultPort : Integer.parseInt(value.trim());
    }

    public URI url(Service service, String path) {
        return URI.create("http://" + settings.host() + ":" + port(service) + path);
    }

    public Path jar(Service service) {
        return projectDir.resolve(service.module()).resolve("target/quarkus-app/quarkus-run.jar");
    }

    public Path logFile(Service service) {
        return processes.get(service).logFile();
    }

    public Optional<ProcessHandle> running(Service service) {
        return processes.get(service).running();
    }

    /**
     * Starts the service unless it runs already; {@code settings} are extra environment variables
     * (they win over the caller's environment). Returns whether it was started.
     */
    public boolean start(Service service, Map<String, String> serviceSettings) {
        if (running(service).isPresent()) {
            return false;
        }
        Path jar = jar(service);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": build the services first (./distillery build)");
        }
        int port = port(service);
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(settings.host(), port));
        } catch (IOException e) {
            throw new IllegalStateException(service.module() + ": port " + port + " on " + settings.host()
                    + " is taken by another process; choose another with " + service.portVariable());
        }
        Map<String, String> env = new HashMap<>();
        env.put("DISTILLERY_KAFKA_BOOTSTRAP_SERVERS", settings.bootstrapServers());
        env.put("DISTILLERY_REGISTRY_URL", settings.registryUrl());
        env.put("QUARKUS_HTTP_HOST", settings.host());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("DJL_OFFLINE", "true");
        env.put("OPT_OUT_TRACKING", "true");
        env.putAll(serviceSettings);
        String heap = variables.getOrDefault(service.heapVariable(), service.heap);
        // The services are built for Java 17: the JVM running the launcher runs them.
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        int niceness = Integer.parseInt(variables.getOrDefault(service.niceVariable(), Integer.toString(service.niceness)).trim());
        processes.get(service).start(niceness, java, List.of("-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError"),
                List.of("-jar", jar.toString()), env);
        return true;
    }

    /** Waits until the service answers ready on /q/health/ready; fails with its log's tail if it exits first. */
    public void awaitReady(Service service, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ManagedProcess process = processes.get(service);
        while (!ready(service)) {
            if (process.running().isEmpty()) {
                throw new IllegalStateException(service.module() + " exited during start-up; last lines of "
                        + process.logFile() + ":\n" + process.logTail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(service.module() + " not ready in " + timeout.toSeconds() + " s; see "
                        + process.logFile() + ":\n" + process.logTail(40));
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + service.module(), e);
            }
        }
    }

    /** Whether the service answers 200 on its readiness endpoint. */
    public boolean ready(Service service) {
        return ReadinessProbe.answersOk(url(service, "/q/health/ready"));
    }

    /** Stops the service if it runs (SIGTERM, then SIGKILL after a grace period); returns whether it ran. */
    public boolean stop(Service service) {
        return processes.get(service).stop(STOP_GRACE);
    }

    /** Stops every running service, downstream first; returns the modules it stopped. */
    public List<String> stopAll() {
        List<String> stopped = new ArrayList<>();
        List<Service> order = new ArrayList<>(List.of(Service.values()));
        java.util.Collections.reverse(order);
        for (Service service : order) {
            if (stop(service)) {
                stopped.add(service.module());
            }
        }
        return stopped;
    }
}
