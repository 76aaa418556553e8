package io.distillery.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformSettingsTest {

    @Test
    void defaultsBindToLoopbackWithConventionalPortsAndDataInTheProject() {
        PlatformSettings settings = PlatformSettings.from(Map.of(), Path.of("/srv/distillery"));
        assertEquals("127.0.0.1:9092", settings.bootstrapServers());
        assertEquals("http://127.0.0.1:8081", settings.registryUrl());
        assertEquals(9093, settings.controllerPort());
        assertEquals(8091, settings.registryManagementPort());
        assertEquals(Path.of("/srv/distillery/.distillery"), settings.dataDir());
        assertEquals(Path.of("/srv/distillery/.distillery/run"), settings.runDir());
    }

    @Test
    void everySettingComesFromItsVariable() {
        PlatformSettings settings = PlatformSettings.from(Map.of(
                "DISTILLERY_HOST", "127.0.0.2",
                "DISTILLERY_KAFKA_PORT", "19092",
                "DISTILLERY_CONTROLLER_PORT", "19093",
                "DISTILLERY_REGISTRY_PORT", "18081",
                "DISTILLERY_REGISTRY_MANAGEMENT_PORT", "18091",
                "DISTILLERY_DATA_DIR", "/tmp/d",
                "DISTILLERY_CACHE_DIR", "/tmp/c",
                "DISTILLERY_KAFKA_HEAP", "1g",
                "DISTILLERY_REGISTRY_HEAP", "256m",
                "DISTILLERY_REGISTRY_JAVA_HOME", "/opt/jdk21"), Path.of("/ignored"));
        assertEquals(new PlatformSettings("127.0.0.2", 19092, 19093, 18081, 18091, Path.of("/tmp/d"), Path.of("/tmp/c"),
                "1g", "256m", "/opt/jdk21"), settings);
        assertEquals("127.0.0.2:19092", settings.bootstrapServers());
    }

    @Test
    void blankVariablesFallBackToDefaults() {
        PlatformSettings settings = PlatformSettings.from(Map.of("DISTILLERY_KAFKA_PORT", " "), Path.of("/p"));
        assertEquals(9092, settings.kafkaPort());
    }
}
