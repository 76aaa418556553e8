package io.distillery.formats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingTableTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsAndRefusesATruncatedOrAlteredFile() throws IOException {
        EmbeddingTable table = new EmbeddingTable(3, 2, new float[] {1f, -2f, 0.5f, 3f, Float.MIN_VALUE, -0f});
        Path file = dir.resolve(EmbeddingTable.FILE_NAME);
        table.write(file);
        EmbeddingTable back = EmbeddingTable.read(file);
        assertEquals(3, back.rows());
        assertEquals(2, back.columns());
        assertArrayEquals(table.values(), back.values(), 0f);
        assertArrayEquals(new float[] {0.5f, 3f}, back.row(1), 0f);

        byte[] bytes = Files.readAllBytes(file);
        byte[] altered = bytes.clone();
        altered[20] ^= 1;
        Files.write(file, altered);
        assertTrue(assertThrows(IOException.class, () -> EmbeddingTable.read(file)).getMessage().contains("SHA-256"));
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 5));
        assertTrue(assertThrows(IOException.class, () -> EmbeddingTable.read(file)).getMessage().contains("truncated"));
        Files.writeString(file, "not a table at all, just some text of some length");
        assertTrue(assertThrows(IOException.class, () -> EmbeddingTable.read(file)).getMessage().contains("magic"));
    }

    @Test
    void refusesValuesThatDoNotFillTheShape() {
        assertThrows(IllegalArgumentException.class, () -> new EmbeddingTable(2, 2, new float[3]));
    }
}
