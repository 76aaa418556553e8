package io.distillery.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Where Maven put the broker's jars and the registry's archive, as recorded at build time by
 * the {@code platform-runtime} module. Maven Central is the source; the local Maven repository
 * is the cache, so a second {@code up} downloads nothing.
 */
public record RuntimeArtifacts(String kafkaVersion, List<Path> kafkaClasspath, String registryVersion, Path registryArchive) {

    private static final String RESOURCE = "/distillery-runtime.properties";

    public static RuntimeArtifacts load() {
        Properties props = new Properties();
        try (InputStream in = RuntimeArtifacts.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath: build the platform-runtime module first");
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Path> classpath = Arrays.stream(props.getProperty("kafka.broker.classpath").split(java.io.File.pathSeparator))
                .map(Path::of).toList();
        RuntimeArtifacts artifacts = new RuntimeArtifacts(props.getProperty("kafka.version"), classpath,
                props.getProperty("registry.version"), Path.of(props.getProperty("registry.archive")));
        artifacts.requirePresent();
        return artifacts;
    }

    /** Fails with a clear message if the local Maven repository lost a file since the build. */
    private void requirePresent() {
        for (Path file : kafkaClasspath) {
            requireFile(file);
        }
        requireFile(registryArchive);
    }

    private static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing from the local Maven repository; rebuild "
                    + "(mvn -pl platform-runtime package) to fetch it again");
        }
    }

    public String kafkaClasspathString() {
        return String.join(java.io.File.pathSeparator, kafkaClasspath.stream().map(Path::toString).toList());
    }
}
