package io.distillery.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaRuntimesTest {

    @TempDir
    Path dir;

    @Test
    void featureVersionComesFromTheReleaseFile() throws IOException {
        assertEquals(Optional.of(21), JavaRuntimes.featureVersion(jdk("jdk21", "JAVA_VERSION=\"21.0.5\"")));
        assertEquals(Optional.of(1), JavaRuntimes.featureVersion(jdk("jdk8", "JAVA_VERSION=\"1.8.0_412\"")));
        assertEquals(Optional.empty(), JavaRuntimes.featureVersion(dir.resolve("nothing-here")));
    }

    @Test
    void anExplicitHomeIsUsedWhenNewEnoughAndRefusedWithAReasonOtherwise() throws IOException {
        Path jdk25 = jdk("jdk25", "JAVA_VERSION=\"25\"");
        assertEquals(jdk25.resolve("bin/java"), JavaRuntimes.javaExecutable(21, jdk25.toString()));
        Path jdk17 = jdk("jdk17", "JAVA_VERSION=\"17.0.15\"");
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> JavaRuntimes.javaExecutable(21, jdk17.toString()));
        assertTrue(refused.getMessage().contains("is not a JDK 21+"), refused.getMessage());
    }

    @Test
    void theRunningJdkIsFoundForItsOwnVersion() {
        int running = Runtime.version().feature();
        Path java = JavaRuntimes.javaExecutable(running, null);
        assertTrue(Files.isExecutable(java), java.toString());
    }

    private Path jdk(String name, String releaseLine) throws IOException {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\n" + releaseLine + "\n");
        Files.writeString(home.resolve("bin/java"), "#!/bin/sh\n");
        home.resolve("bin/java").toFile().setExecutable(true);
        return home;
    }
}
