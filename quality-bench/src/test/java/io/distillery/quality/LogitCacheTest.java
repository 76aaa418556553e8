package io.distillery.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogitCacheTest {

    @Test
    void keyDependsOnBundleVersionTextsTheirOrderAndBoundaries() {
        String key = LogitCache.key("sha256:aa", List.of("good film", "bad film"));
        assertEquals(key, LogitCache.key("sha256:aa", List.of("good film", "bad film")));
        assertNotEquals(key, LogitCache.key("sha256:bb", List.of("good film", "bad film")));
        assertNotEquals(key, LogitCache.key("sha256:aa", List.of("bad film", "good film")));
        assertNotEquals(key, LogitCache.key("sha256:aa", List.of("good film", "bad film", "")));
        assertNotEquals(LogitCache.key("v", List.of("ab", "c")), LogitCache.key("v", List.of("a", "bc")));
    }

    @Test
    void roundTripsAndRefusesOtherKeysAndSizes(@TempDir Path dir) throws Exception {
        LogitCache cache = new LogitCache(dir);
        float[][] logits = {{1.5f, -2f}, {0f, 3.25f}, {-0.5f, 0.5f}};
        String key = LogitCache.key("v1", List.of("a", "b", "c"));
        cache.put("set", key, logits);
        float[][] back = cache.get("set", key, 3).orElseThrow();
        for (int i = 0; i < logits.length; i++) {
            assertArrayEquals(logits[i], back[i]);
        }
        assertTrue(cache.get("set", key, 4).isEmpty(), "another row count must miss");
        assertTrue(cache.get("set", LogitCache.key("v2", List.of("a", "b", "c")), 3).isEmpty(), "another key must miss");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void aTruncatedFileIsAMissNotAnError(@TempDir Path dir) throws Exception {
        LogitCache cache = new LogitCache(dir);
        String key = LogitCache.key("v1", List.of("a", "b"));
        cache.put("set", key, new float[][] {{1f, 2f}, {3f, 4f}});
        Path file = cache.file("set", key);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        assertTrue(cache.get("set", key, 2).isEmpty());
    }
}
