package io.distillery.launcher;

import io.distillery.formats.EmbeddingTable;
import io.distillery.platform.LocalPlatform;
import io.distillery.platform.LocalServices;
import io.distillery.platform.LocalServices.Service;
import io.distillery.platform.PlatformSettings;
import io.distillery.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The whole system on this machine, as demo and chaos run it: the platform (unless it runs
 * already), the catalogue's topics behind a prefix, and the four services configured for them.
 * {@link #close} stops exactly what {@link #start} started, and says which PIDs survived (none).
 */
final class LocalSystem implements AutoCloseable {

    private final LocalPlatform platform;
    private final LocalServices services;
    private final PrintWriter log;
    private final List<Service> startedServices = new ArrayList<>();
    private final List<Long> startedPids = new ArrayList<>();
    private boolean startedPlatform;
    private boolean closed;

    private LocalSystem(LocalPlatform platform, LocalServices services, PrintWriter log) {
        this.platform = platform;
        this.services = services;
        this.log = log;
    }

    /**
     * Starts what is not running and waits until every service is ready.
     *
     * @param serviceSettings extra environment per service, beside what {@link #settings} gives all of them;
     *                        a variable set in this process's environment keeps its value instead
     */
    static LocalSystem start(PlatformSettings settings, Path project, Path bundle, String prefix,
                             Map<Service, Map<String, String>> serviceSettings, Duration readyTimeout, PrintWriter log) {
        LocalSystem system = new LocalSystem(new LocalPlatform(settings), new LocalServices(settings, project, System.getenv()), log);
        try {
            log.println("distillery: starting the broker and the schema registry...");
            system.startedPlatform = !system.platform.up(Duration.ofMinutes(3)).started().isEmpty();
            system.platform.createTopics(Topics.newTopics(prefix, (short) 1));
            log.println("distillery: starting augmenter, teacher labeller, student trainer and serving (logs in " + settings.runDir() + ")...");
            Map<Service, Map<String, String>> env = settings(settings, bundle, prefix);
            // a variable the user set wins over the caller's choice (e.g. DISTILLERY_TRAINER_LOSS=MSE ./distillery demo)
            serviceSettings.forEach((service, extra) -> extra.forEach((name, value) -> {
                if (!System.getenv().containsKey(name)) {
                    env.get(service).put(name, value);
                }
            }));
            for (Service service : Service.values()) {
                system.startService(service, env.get(service));
            }
            for (Service service : Service.values()) {
                system.services.awaitReady(service, readyTimeout);
            }
            return system;
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
    }

    /** Every service's settings (environment variables, as docker-compose.yml names them). */
    static Map<Service, Map<String, String>> settings(PlatformSettings settings, Path bundle, String prefix) {
        Map<Service, Map<String, String>> env = new EnumMap<>(Service.class);
        for (Service service : Service.values()) {
            env.put(service, new HashMap<>());
            if (!prefix.isEmpty()) {
                env.get(service).put("DISTILLERY_TOPICS_PREFIX", prefix);
            }
        }
        env.get(Service.AUGMENTER).put("DISTILLERY_STATE_DIR", settings.dataDir().resolve("augmenter-state").toString());
        env.get(Service.TEACHER_LABELER).put("DISTILLERY_TEACHER_BUNDLE_DIR", bundle.toString());
        env.get(Service.STUDENT_TRAINER).put("DISTILLERY_TRAINER_TOKENIZER", bundle.resolve("tokenizer.json").toString());
        // New students start from the teacher's token table when the bundle has one (teacher fit writes it).
        Path startingTable = bundle.resolve(EmbeddingTable.FILE_NAME);
        if (Files.isRegularFile(startingTable)) {
            env.get(Service.STUDENT_TRAINER).put("DISTILLERY_TRAINER_MODEL_EMBEDDINGS", startingTable.toString());
        }
        env.get(Service.SERVING).put("DISTILLERY_SERVING_TOKENIZER", bundle.resolve("tokenizer.json").toString());
        env.get(Service.SERVING).put("DISTILLERY_SERVING_CONTROL_TOKEN", controlToken(settings.runDir()));
        return env;
    }

    private void startService(Service service, Map<String, String> env) {
        if (services.start(service, env)) {
            startedServices.add(service);
            services.running(service).ifPresent(p -> startedPids.add(p.pid()));
        }
    }

    /** Kills the service with SIGKILL (no shutdown hook, no commit) and starts it again with the same settings. */
    void crashAndRestart(Service service, Map<String, String> env, Duration pause, Duration readyTimeout) throws InterruptedException {
        services.running(service).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });
        Thread.sleep(pause.toMillis());
        startService(service, env);
        services.awaitReady(service, readyTimeout);
    }

    LocalPlatform platform() {
        return platform;
    }

    LocalServices services() {
        return services;
    }

    /** The token guarding serving's rollout endpoints for local runs: random, kept in the run directory (0600). */
    static String controlToken(Path runDir) {
        Path file = runDir.resolve("serving-control-token");
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(runDir);
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String token = HexFormat.of().formatHex(random);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, token);
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the serving control token in " + file, e);
        }
    }

    /** Registers a shutdown hook that closes the system on Ctrl-C; returns it, for removal after a normal end. */
    Thread closeOnExit() {
        Thread hook = new Thread(this::close, "distillery-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** The PIDs this system started that still run (after {@link #close}: none, or something is wrong). */
    List<String> survivors() {
        return startedPids.stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .map(pid -> "pid " + pid).toList();
    }

    /** Stops what {@link #start} started; safe to call twice (Ctrl-C's hook and the normal end may race). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.println("distillery: stopping " + (startedServices.isEmpty() ? "nothing of the services (they ran before)" : "the services")
                + (startedPlatform ? ", the registry and the broker" : "") + "...");
        for (Service service : startedServices) {
            services.stop(service);
        }
        if (startedPlatform) {
            platform.down();
        }
        log.flush();
    }
}
