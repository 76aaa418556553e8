package io.distillery.teacher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's python3-torch, which traces the TorchScript test model. Installed on first use when
 * missing (as root with apt-get: ~1 GB, about a minute); the test is skipped, saying why, only
 * when it is neither installed nor installable.
 */
final class PythonTorch {

    /** Debian's interpreter: the {@code python3} on PATH may be another one, without torch. */
    static final Path PYTHON = Path.of("/usr/bin/python3");

    private static Boolean available;

    private PythonTorch() {
    }

    static synchronized void assumeAvailable() {
        if (available == null) {
            available = hasTorch() || (install() && hasTorch());
        }
        Assumptions.assumeTrue(available, "python3-torch is not installed and could not be installed "
                + "(needs root and apt-get with Debian's archive): `apt-get install python3-torch` enables this test");
    }

    /** Runs a command, returning its exit code, or -1 when it cannot start or times out. */
    static int run(List<String> command, long timeoutMinutes) {
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean hasTorch() {
        return Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import torch"), 2) == 0;
    }

    private static boolean install() {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            return false;
        }
        System.err.println("installing Debian's python3-torch for the TorchScript test (~1 GB, about a minute)...");
        return run(List.of("/bin/sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive "
                + "apt-get install -y -qq python3-torch > /dev/null"), 20) == 0;
    }
}
