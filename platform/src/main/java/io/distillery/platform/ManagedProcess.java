package io.distillery.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A long-running child process the platform owns, tracked by a PID file so that another
 * invocation (a later {@code ./distillery down}) can find and stop it. A PID file whose
 * process is gone, or whose PID now belongs to an unrelated process, is stale and ignored.
 */
final class ManagedProcess {

    /** Marker put on the command line of every process we start; identifies it beyond its PID. */
    // Not under the "distillery." prefix: Quarkus services refuse unknown properties under their config root.
    static final String ROLE_PROPERTY = "-Dio.distillery.role=";

    private final String role;
    private final Path pidFile;
    private final Path logFile;

    ManagedProcess(String role, Path runDir) {
        this.role = role;
        this.pidFile = runDir.resolve(role + ".pid");
        this.logFile = runDir.resolve(role + ".log");
    }

    String role() { return role; }

    Path logFile() { return logFile; }

    /** The running process recorded in the PID file, if it is still ours; a stale file is removed on the way. */
    Optional<ProcessHandle> running() {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        Optional<ProcessHandle> process;
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(this::isOurs);
        } catch (IOException | NumberFormatException e) {
            process = Optional.empty();
        }
        if (process.isEmpty()) {
            deleteQuietly(pidFile);
        }
        return process;
    }

    /**
     * Starts {@code java <jvmArgs> <mainAndArgs>} with the role marker, output appended to the
     * role's log file, stdin closed, and records the PID.
     */
    ProcessHandle start(Path javaExecutable, List<String> jvmArgs, List<String> mainAndArgs, Map<String, String> env) {
        return start(0, javaExecutable, jvmArgs, mainAndArgs, env);
    }

    /**
     * The same at a lower CPU priority: {@code nice -n niceness java ...} ({@code nice} execs java,
     * so the recorded PID is java's).
     */
    ProcessHandle start(int niceness, Path javaExecutable, List<String> jvmArgs, List<String> mainAndArgs,
                        Map<String, String> env) {
        List<String> command = new ArrayList<>();
        if (niceness != 0) {
            command.addAll(List.of("nice", "-n", Integer.toString(niceness)));
        }
        command.add(javaExecutable.toString());
        command.add(ROLE_PROPERTY + role);
        // Which installation the process belongs to, for people (ps) and tests looking for leftovers.
        command.add("-Dio.distillery.run-dir=" + pidFile.getParent());
        command.addAll(jvmArgs);
        command.addAll(mainAndArgs);
        try {
            Files.createDirectories(pidFile.getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(env);
            Process process = builder.start();
            Files.writeString(pidFile, Long.toString(process.pid()));
            return process.toHandle();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + role + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stops the recorded process: SIGTERM, then SIGKILL after {@code grace}. Returns whether
     * a process was running.
     */
    boolean stop(Duration grace) {
        Optional<ProcessHandle> process = running();
        process.ifPresent(p -> terminate(p, grace));
        deleteQuietly(pidFile);
        return process.isPresent();
    }

    static void terminate(ProcessHandle process, Duration grace) {
        process.destroy();
        try {
            process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception timeoutOrInterrupt) {
            process.destroyForcibly();
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("process " + process.pid() + " survived SIGKILL", e);
            }
        }
    }

    /** The last lines of the log, to explain a failed start. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + logFile + ")";
        }
    }

    private boolean isOurs(ProcessHandle process) {
        // A PID can be reused after a reboot; only a process carrying our role marker is ours.
        String marker = ROLE_PROPERTY + role;
        return process.info().arguments()
                .map(args -> List.of(args).contains(marker))
                .orElseGet(() -> process.info().commandLine().map(c -> c.contains(marker)).orElse(false));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a PID file we cannot delete is reported stale again next time; nothing else to do
        }
    }
}
