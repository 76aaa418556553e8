package io.distillery.launcher.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Peak resident memory per role, sampled from /proc (VmRSS) once a second. Roles are resolved to
 * PIDs at every sample, so a restarted process is followed.
 */
public final class PeakMemory implements Runnable, AutoCloseable {

    private final Map<String, Supplier<Optional<ProcessHandle>>> roles;
    private final Map<String, Long> peakKiB = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    public PeakMemory(Map<String, Supplier<Optional<ProcessHandle>>> roles) {
        this.roles = Map.copyOf(roles);
    }

    @Override
    public void run() {
        while (running) {
            sample();
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Takes one sample now. */
    public void sample() {
        roles.forEach((role, process) -> process.get().ifPresent(p -> residentKiB(p.pid())
                .ifPresent(kib -> peakKiB.merge(role, kib, Math::max))));
    }

    /** Peak RSS in MiB by role. */
    public Map<String, Long> peakMiB() {
        Map<String, Long> out = new TreeMap<>();
        peakKiB.forEach((role, kib) -> out.put(role, kib / 1024));
        return out;
    }

    /** VmRSS of a process in KiB, from /proc/PID/status (empty if it is gone or not Linux). */
    static OptionalLong residentKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone between resolving and reading: no sample
        }
        return OptionalLong.empty();
    }

    @Override
    public void close() {
        running = false;
    }
}
