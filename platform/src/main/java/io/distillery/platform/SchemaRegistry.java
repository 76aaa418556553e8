package io.distillery.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Apicurio Registry server in its own JVM (a Quarkus fast-jar; needs Java 21+), with the
 * Confluent-compatible API at {@code /apis/ccompat/v7}, schemas kept in an H2 file under the
 * data directory (so ids survive restarts, as the records in Kafka that carry them do), and
 * BACKWARD compatibility enforced for every subject.
 */
public final class SchemaRegistry {

    private static final int MINIMUM_JAVA = 21;
    private static final String CONFLUENT_JSON = "application/vnd.schemaregistry.v1+json";

    private final PlatformSettings settings;
    private final ManagedProcess process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    SchemaRegistry(PlatformSettings settings) {
        this.settings = settings;
        this.process = new ManagedProcess("schema-registry", settings.runDir());
    }

    ManagedProcess process() {
        return process;
    }

    public String url() {
        return settings.registryUrl();
    }

    void start(RuntimeArtifacts artifacts) {
        Path install = install(artifacts);
        Path java = JavaRuntimes.javaExecutable(MINIMUM_JAVA, settings.registryJavaHome());
        Path storage = settings.dataDir().resolve("registry");
        try {
            Files.createDirectories(storage);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String host = settings.host();
        List<String> jvmArgs = List.of(
                "-Xmx" + settings.registryHeap(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=" + host,
                "-Dquarkus.http.port=" + settings.registryPort(),
                // The management interface (health, metrics) cannot be switched off: keep it on loopback too.
                "-Dquarkus.management.host=" + host,
                "-Dquarkus.management.port=" + settings.registryManagementPort(),
                "-Dapicurio.storage.kind=sql",
                "-Dapicurio.storage.sql.kind=h2",
                "-Dapicurio.datasource.url=jdbc:h2:file:" + storage.resolve("registry"),
                // ccompat ids must be content ids: that is what our serde writes (see RegistryConfig).
                "-Dapicurio.ccompat.legacy-id-mode.enabled=false",
                "-Dquarkus.log.level=WARN",
                "-Dquarkus.http.access-log.enabled=false",
                "-Dquarkus.banner.enabled=false",
                "-jar", install.resolve("quarkus-run.jar").toString());
        process.start(java, jvmArgs, List.of(), Map.of());
    }

    /** Whether the registry answers its readiness check. */
    boolean ready() {
        return ReadinessProbe.answersOk(URI.create("http://" + settings.host() + ":" + settings.registryManagementPort() + "/health/ready"));
    }

    /** Every subject must stay BACKWARD compatible: consumers on the old schema read new data. */
    void enforceBackwardCompatibility() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/apis/ccompat/v7/config"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", CONFLUENT_JSON)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"BACKWARD\"}"))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("registry refused the BACKWARD compatibility rule: "
                        + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Unpacks the registry archive once into the cache directory; a half-finished unpack (a
     * crash, Ctrl-C) is never mistaken for an installation because it is moved in place last.
     */
    private Path install(RuntimeArtifacts artifacts) {
        Path target = settings.cacheDir().resolve("apicurio-registry-" + artifacts.registryVersion());
        if (Files.isRegularFile(target.resolve("quarkus-run.jar"))) {
            return target;
        }
        try {
            Files.createDirectories(settings.cacheDir());
            Path staging = Files.createTempDirectory(settings.cacheDir(), "unpacking-");
            Process tar = new ProcessBuilder("tar", "-xzf", artifacts.registryArchive().toString(), "-C", staging.toString())
                    .redirectErrorStream(true).start();
            String output = new String(tar.getInputStream().readAllBytes());
            if (tar.waitFor() != 0) {
                throw new IllegalStateException("cannot unpack " + artifacts.registryArchive() + ": " + output);
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException anotherProcessWon) {
                deleteTree(staging);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
