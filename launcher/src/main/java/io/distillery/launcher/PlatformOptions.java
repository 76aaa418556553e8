package io.distillery.launcher;

import io.distillery.platform.LocalPlatform;
import io.distillery.platform.PlatformSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The platform flags shared by up, status and down. Each flag overrides the environment
 * variable of the same name (see {@link PlatformSettings}), so scripts can use either.
 */
final class PlatformOptions {

    @Option(names = "--host", description = "Address to bind (DISTILLERY_HOST; default 127.0.0.1).")
    String host;

    @Option(names = "--kafka-port", description = "Broker port (DISTILLERY_KAFKA_PORT; default 9092).")
    Integer kafkaPort;

    @Option(names = "--controller-port", description = "KRaft controller port (DISTILLERY_CONTROLLER_PORT; default 9093).")
    Integer controllerPort;

    @Option(names = "--registry-port", description = "Schema registry port (DISTILLERY_REGISTRY_PORT; default 8081).")
    Integer registryPort;

    @Option(names = "--registry-management-port",
            description = "Registry health/metrics port (DISTILLERY_REGISTRY_MANAGEMENT_PORT; default 8091).")
    Integer registryManagementPort;

    @Option(names = "--data-dir", description = "Where broker and registry keep data, PIDs and logs (DISTILLERY_DATA_DIR; default ./.distillery).")
    Path dataDir;

    PlatformSettings settings() {
        Map<String, String> variables = new HashMap<>(System.getenv());
        putIfSet(variables, "DISTILLERY_HOST", host);
        putIfSet(variables, "DISTILLERY_KAFKA_PORT", kafkaPort);
        putIfSet(variables, "DISTILLERY_CONTROLLER_PORT", controllerPort);
        putIfSet(variables, "DISTILLERY_REGISTRY_PORT", registryPort);
        putIfSet(variables, "DISTILLERY_REGISTRY_MANAGEMENT_PORT", registryManagementPort);
        putIfSet(variables, "DISTILLERY_DATA_DIR", dataDir);
        return PlatformSettings.from(variables, projectDir());
    }

    LocalPlatform platform() {
        return new LocalPlatform(settings());
    }

    /** The checkout the launcher runs from (set by ./distillery), else the working directory. */
    static Path projectDir() {
        return Path.of(System.getProperty("distillery.home", ".")).toAbsolutePath().normalize();
    }

    private static void putIfSet(Map<String, String> variables, String name, Object value) {
        if (value != null) {
            variables.put(name, value.toString());
        }
    }
}
