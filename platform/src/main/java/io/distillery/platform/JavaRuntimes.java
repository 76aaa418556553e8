package io.distillery.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a JDK of at least a given feature version. The broker runs on any JDK 17+, but the
 * schema registry needs 21+, which on this machine kind is the Temurin JDK under /usr/lib/jvm.
 */
public final class JavaRuntimes {

    private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)");
    private static final List<Path> JVM_DIRECTORIES = List.of(Path.of("/usr/lib/jvm"), Path.of("/opt/java"),
            Path.of(System.getProperty("user.home"), ".sdkman/candidates/java"));

    private JavaRuntimes() {
    }

    /**
     * The {@code java} executable of the newest JDK with feature version ≥ {@code minimum}:
     * {@code DISTILLERY_REGISTRY_JAVA_HOME} if set, else the running JDK or {@code JAVA_HOME}
     * if new enough, else the newest under the usual JVM directories.
     */
    public static Path javaExecutable(int minimum, String explicitHome) {
        List<Path> candidates = new ArrayList<>();
        if (explicitHome != null && !explicitHome.isBlank()) {
            Path home = Path.of(explicitHome);
            if (featureVersion(home).orElse(0) < minimum) {
                throw new IllegalStateException(explicitHome + " is not a JDK " + minimum + "+ (it has no release file saying so)");
            }
            return home.resolve("bin/java");
        }
        candidates.add(Path.of(System.getProperty("java.home")));
        Optional.ofNullable(System.getenv("JAVA_HOME")).map(Path::of).ifPresent(candidates::add);
        for (Path dir : JVM_DIRECTORIES) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> homes = Files.list(dir)) {
                    homes.forEach(candidates::add);
                } catch (IOException ignored) {
                    // an unreadable directory holds no candidate
                }
            }
        }
        return candidates.stream()
                .filter(home -> Files.isExecutable(home.resolve("bin/java")))
                .filter(home -> featureVersion(home).orElse(0) >= minimum)
                .max(Comparator.comparingInt(home -> featureVersion(home).orElse(0)))
                .map(home -> home.resolve("bin/java"))
                .orElseThrow(() -> new IllegalStateException("no JDK " + minimum + "+ found (looked at the running JDK, "
                        + "JAVA_HOME and " + JVM_DIRECTORIES + "); install one, e.g. `apt-get install openjdk-21-jdk-headless`, "
                        + "or point DISTILLERY_REGISTRY_JAVA_HOME at it"));
    }

    /** The feature version from a JDK home's {@code release} file. */
    static Optional<Integer> featureVersion(Path javaHome) {
        Path release = javaHome.resolve("release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(release)) {
            return lines.map(JAVA_VERSION::matcher).filter(Matcher::find).map(m -> Integer.parseInt(m.group(1))).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
