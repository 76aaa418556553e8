package io.distillery.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinearHeadTest {

    private final LinearHead head = new LinearHead(new float[][] {{1, -2, 0.5f}, {0, 3, -1}}, new float[] {0.25f, -1});

    @Test
    void logitsAreWeightsTimesInputPlusBias() {
        // [1·2 − 2·1 + 0.5·4 + 0.25, 0·2 + 3·1 − 1·4 − 1]
        assertArrayEquals(new float[] {2.25f, -2f}, head.apply(new float[] {2, 1, 4}), 1e-6f);
    }

    @Test
    void wrongInputSizeSaysHeadAndModelDoNotMatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> head.apply(new float[4]));
        assertTrue(e.getMessage().contains("expects vectors of size 3"), e.getMessage());
    }

    @Test
    void fileRoundTrip(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("head.bin");
        head.write(file);

        LinearHead read = LinearHead.read(file);

        assertArrayEquals(head.bias(), read.bias());
        for (int c = 0; c < head.classes(); c++) {
            assertArrayEquals(head.weights()[c], read.weights()[c]);
        }
    }

    @Test
    void truncatedOrForeignFilesAreRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("head.bin");
        head.write(file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 4));
        assertTrue(assertThrows(IOException.class, () -> LinearHead.read(file)).getMessage().contains("damaged"));

        Files.writeString(file, "{\"weights\": []}");
        assertTrue(assertThrows(IOException.class, () -> LinearHead.read(file)).getMessage().contains("magic"));
    }
}
