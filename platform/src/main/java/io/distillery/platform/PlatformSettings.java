package io.distillery.platform;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Where the local platform listens and keeps its data. Every value comes from one environment
 * variable (or the CLI flag of the same name), with a loopback default:
 *
 * <table>
 * <tr><th>variable</th><th>default</th></tr>
 * <tr><td>DISTILLERY_HOST</td><td>127.0.0.1</td></tr>
 * <tr><td>DISTILLERY_KAFKA_PORT</td><td>9092</td></tr>
 * <tr><td>DISTILLERY_CONTROLLER_PORT</td><td>9093</td></tr>
 * <tr><td>DISTILLERY_REGISTRY_PORT</td><td>8081</td></tr>
 * <tr><td>DISTILLERY_REGISTRY_MANAGEMENT_PORT</td><td>8091</td></tr>
 * <tr><td>DISTILLERY_DATA_DIR</td><td>./.distillery (under the project directory)</td></tr>
 * <tr><td>DISTILLERY_CACHE_DIR</td><td>~/.cache/distillery</td></tr>
 * <tr><td>DISTILLERY_KAFKA_HEAP</td><td>512m</td></tr>
 * <tr><td>DISTILLERY_REGISTRY_HEAP</td><td>384m</td></tr>
 * <tr><td>DISTILLERY_REGISTRY_JAVA_HOME</td><td>newest JDK 21+ found</td></tr>
 * </table>
 */
public record PlatformSettings(
        String host,
        int kafkaPort,
        int controllerPort,
        int registryPort,
        int registryManagementPort,
        Path dataDir,
        Path cacheDir,
        String kafkaHeap,
        String registryHeap,
        String registryJavaHome) {

    /** Reads the settings from variables named as in the table above. */
    public static PlatformSettings from(Map<String, String> variables, Path projectDir) {
        Function<String, String> get = variables::get;
        return new PlatformSettings(
                value(get, "DISTILLERY_HOST", "127.0.0.1"),
                Integer.parseInt(value(get, "DISTILLERY_KAFKA_PORT", "9092")),
                Integer.parseInt(value(get, "DISTILLERY_CONTROLLER_PORT", "9093")),
                Integer.parseInt(value(get, "DISTILLERY_REGISTRY_PORT", "8081")),
                Integer.parseInt(value(get, "DISTILLERY_REGISTRY_MANAGEMENT_PORT", "8091")),
                Path.of(value(get, "DISTILLERY_DATA_DIR", projectDir.resolve(".distillery").toString())).toAbsolutePath(),
                Path.of(value(get, "DISTILLERY_CACHE_DIR",
                        Path.of(System.getProperty("user.home"), ".cache", "distillery").toString())).toAbsolutePath(),
                value(get, "DISTILLERY_KAFKA_HEAP", "512m"),
                value(get, "DISTILLERY_REGISTRY_HEAP", "384m"),
                value(get, "DISTILLERY_REGISTRY_JAVA_HOME", ""));
    }

    public String bootstrapServers() {
        return host + ":" + kafkaPort;
    }

    public String registryUrl() {
        return "http://" + host + ":" + registryPort;
    }

    /** Where PID files and process logs live. */
    public Path runDir() {
        return dataDir.resolve("run");
    }

    private static String value(Function<String, String> get, String name, String fallback) {
        String v = get.apply(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }
}
