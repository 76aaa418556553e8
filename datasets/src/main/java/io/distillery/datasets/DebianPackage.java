package io.distillery.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Files of a Debian package, fetched at run time and never copied into the repository (the corpora
 * read through this class are not ours to redistribute).
 *
 * <p>Where the files come from, in order: the installed package ({@code dpkg-query -L}); else, with
 * {@link Acquisition#INSTALL} and when running as root, {@code apt-get install}; else (or when
 * installing fails) {@code apt-get download} and {@code dpkg-deb -x} into a cache directory, which
 * needs neither root nor the package's dependencies (we only read data files). Anything else fails
 * with a {@link CorpusUnavailableException} that says what was tried.
 */
public final class DebianPackage {

    /** How a missing package is obtained. */
    public enum Acquisition {
        /** {@code apt-get install} when root, else extract into the cache. */
        INSTALL,
        /** Only extract the .deb into the cache (for packages with heavy dependencies, e.g. R). */
        EXTRACT,
        /** Only use an installed package. */
        INSTALLED_ONLY
    }

    private static final long INSTALL_TIMEOUT_MINUTES = 15;

    private final String name;

    public DebianPackage(String name) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9+.-]+")) {
            throw new IllegalArgumentException("not a Debian package name: " + name);
        }
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * The root under which the package's files are found: {@code /} for an installed package, the
     * extraction directory under {@code cacheDir} otherwise.
     */
    public Path root(Acquisition acquisition, Path cacheDir) {
        if (isInstalled()) {
            return Path.of("/");
        }
        List<String> tried = new ArrayList<>();
        tried.add("not installed (dpkg-query -W " + name + ")");
        if (acquisition == Acquisition.INSTALL) {
            if (isRoot() && onPath("apt-get")) {
                String outcome = install();
                if (isInstalled()) {
                    return Path.of("/");
                }
                tried.add("apt-get install failed: " + outcome);
            } else {
                tried.add("apt-get install skipped (" + (isRoot() ? "no apt-get" : "not running as root") + ")");
            }
        }
        if (acquisition != Acquisition.INSTALLED_ONLY) {
            Path extracted = cacheDir.resolve("debian").resolve(name);
            if (Files.isRegularFile(extracted.resolve(".complete"))) {
                return extracted;
            }
            String outcome = extract(extracted);
            if (outcome == null) {
                return extracted;
            }
            tried.add("apt-get download + dpkg-deb -x into " + extracted + " failed: " + outcome);
        }
        throw new CorpusUnavailableException("Debian package " + name + " is unavailable: " + String.join("; ", tried)
                + ". Install it (apt-get install " + name + ") on a Debian machine and run again.");
    }

    /** The first file (in path order) of the package under {@link #root} whose path ends with {@code suffix}. */
    public Path find(Path root, String suffix) {
        return files(root, "").stream().filter(p -> p.toString().endsWith(suffix)).findFirst()
                .orElseThrow(() -> new CorpusUnavailableException("package " + name + " has no file ending in "
                        + suffix + (root.equals(Path.of("/")) ? " (installed)" : " under " + root)));
    }

    /** Every regular file of the package under {@code root} whose path contains {@code fragment}, sorted. */
    public List<Path> files(Path root, String fragment) {
        if (root.equals(Path.of("/"))) {
            List<Path> listed = new ArrayList<>();
            for (String line : run(List.of("dpkg-query", "-L", name), 60).output.split("\n")) {
                Path p = Path.of(line.isBlank() ? "/" : line.trim());
                if (line.contains(fragment) && Files.isRegularFile(p)) {
                    listed.add(p);
                }
            }
            listed.sort(null);
            return listed;
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().contains(fragment) && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new CorpusUnavailableException("cannot list the files of " + name + " under " + root, e);
        }
    }

    /** Whether dpkg says the package is installed. */
    public boolean isInstalled() {
        if (!onPath("dpkg-query")) {
            return false;
        }
        Result result = run(List.of("dpkg-query", "-W", "-f=${Status}", name), 60);
        return result.exit == 0 && result.output.contains("install ok installed");
    }

    private String install() {
        System.err.println("datasets: installing Debian package " + name + " (apt-get install; its data is fetched at run time, never committed)");
        List<String> command = List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends",
                "-o", "DPkg::Lock::Timeout=600", name);
        Result result = run(command, INSTALL_TIMEOUT_MINUTES * 60);
        if (result.exit != 0 && result.output.contains("Unable to locate package")) {
            run(List.of("apt-get", "update", "-qq"), INSTALL_TIMEOUT_MINUTES * 60);
            result = run(command, INSTALL_TIMEOUT_MINUTES * 60);
        }
        return result.exit == 0 ? "ok" : "exit " + result.exit + ": " + tail(result.output);
    }

    /** Null on success, else what went wrong. */
    private String extract(Path target) {
        if (!onPath("apt-get") || !onPath("dpkg-deb")) {
            return "apt-get or dpkg-deb not on PATH (not a Debian machine?)";
        }
        try {
            Path download = Files.createDirectories(target.resolveSibling(name + ".download"));
            System.err.println("datasets: fetching Debian package " + name + " into " + target + " (apt-get download + dpkg-deb -x)");
            Result fetched = run(List.of("sh", "-c", "cd '" + download + "' && apt-get download " + name), 600);
            List<Path> debs;
            try (Stream<Path> files = Files.list(download)) {
                debs = files.filter(p -> p.getFileName().toString().endsWith(".deb")).sorted().toList();
            }
            if (debs.isEmpty()) {
                return "apt-get download: exit " + fetched.exit + ": " + tail(fetched.output);
            }
            Files.createDirectories(target);
            Result unpacked = run(List.of("dpkg-deb", "-x", debs.get(debs.size() - 1).toString(), target.toString()), 600);
            if (unpacked.exit != 0) {
                return "dpkg-deb -x: exit " + unpacked.exit + ": " + tail(unpacked.output);
            }
            Files.writeString(target.resolve(".complete"), debs.get(debs.size() - 1).getFileName() + "\n");
            return null;
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static boolean isRoot() {
        Result result = run(List.of("id", "-u"), 10);
        return result.exit == 0 && result.output.trim().equals("0");
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String tail(String output) {
        String trimmed = output.strip();
        return trimmed.length() <= 400 ? trimmed : "..." + trimmed.substring(trimmed.length() - 400);
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, long timeoutSeconds) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        builder.environment().put("LC_ALL", "C");
        try {
            Process process = builder.start();
            byte[] output;
            try (InputStream in = process.getInputStream()) {
                output = in.readAllBytes();
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    @Override
    public String toString() {
        return name.toLowerCase(Locale.ROOT);
    }
}
