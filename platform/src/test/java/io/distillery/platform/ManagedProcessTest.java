package io.distillery.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PID-file bookkeeping against real child processes. */
class ManagedProcessTest {

    @TempDir
    Path runDir;

    /** The child process: sleeps until killed. */
    public static final class Sleeper {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void startsTracksAndStopsARealProcessByPid() {
        ManagedProcess process = new ManagedProcess("sleeper", runDir);
        ProcessHandle started = process.start(java(), List.of("-cp", System.getProperty("java.class.path")),
                List.of(Sleeper.class.getName()), Map.of());
        try {
            assertEquals(started.pid(), process.running().orElseThrow().pid());
            assertTrue(Files.exists(runDir.resolve("sleeper.pid")));
            // A second handle on the same run directory (a later CLI invocation) finds it too.
            assertEquals(started.pid(), new ManagedProcess("sleeper", runDir).running().orElseThrow().pid());

            assertTrue(process.stop(Duration.ofSeconds(10)));
            assertFalse(started.isAlive());
            assertFalse(Files.exists(runDir.resolve("sleeper.pid")));
            assertFalse(process.stop(Duration.ofSeconds(1)), "stopping twice is a no-op");
        } finally {
            started.destroyForcibly();
        }
    }

    /** Started through nice: the PID recorded is java's own (nice execs it), at the lower priority. */
    @Test
    void aNiceProcessIsTrackedByItsOwnPidAtItsPriority() throws IOException {
        ManagedProcess process = new ManagedProcess("sleeper", runDir);
        ProcessHandle started = process.start(7, java(), List.of("-cp", System.getProperty("java.class.path")),
                List.of(Sleeper.class.getName()), Map.of());
        try {
            assertEquals(started.pid(), process.running().orElseThrow().pid());
            // /proc/PID/stat: field 19 is the nice value (fields after the parenthesised name, which may hold spaces)
            String stat = Files.readString(Path.of("/proc", Long.toString(started.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            assertEquals("7", fields[16], stat);
            assertTrue(process.stop(Duration.ofSeconds(10)));
            assertFalse(started.isAlive());
        } finally {
            started.destroyForcibly();
        }
    }

    @Test
    void aPidFileOfAFinishedProcessIsStaleAndRemoved() throws IOException, InterruptedException {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Files.writeString(runDir.resolve("broker.pid"), Long.toString(finished.pid()));
        ManagedProcess process = new ManagedProcess("broker", runDir);
        assertTrue(process.running().isEmpty());
        assertFalse(Files.exists(runDir.resolve("broker.pid")), "the stale file is removed");
    }

    @Test
    void aPidReusedByAnUnrelatedProcessIsNotOurs() throws IOException {
        // This test JVM is alive but carries no role marker: it must never be taken for the broker, nor stopped.
        Files.writeString(runDir.resolve("broker.pid"), Long.toString(ProcessHandle.current().pid()));
        ManagedProcess process = new ManagedProcess("broker", runDir);
        assertTrue(process.running().isEmpty());
        assertFalse(process.stop(Duration.ofSeconds(1)));
        assertTrue(ProcessHandle.current().isAlive());
    }

    @Test
    void garbageInAPidFileIsStale() throws IOException {
        Files.writeString(runDir.resolve("broker.pid"), "not a pid");
        assertTrue(new ManagedProcess("broker", runDir).running().isEmpty());
        assertFalse(Files.exists(runDir.resolve("broker.pid")), "the stale file is removed");
    }

    private static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
