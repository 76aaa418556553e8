package io.distillery.trainer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.formats.EmbeddingTable;
import io.distillery.student.Architecture;
import io.distillery.student.EmbeddingInit;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartingTableTest {

    private static final int VOCABULARY = 50;

    @TempDir
    Path dir;

    /** distillery.trainer.model.* with only the starting table set. */
    private record Model(Optional<String> embeddings) implements TrainerConfig.Model {
        public String architecture() {
            return "MLP";
        }

        public int maxLength() {
            return 64;
        }

        public Optional<Integer> embeddingSize() {
            return Optional.of(8);
        }

        public Optional<Integer> hiddenSize() {
            return Optional.empty();
        }

        public Optional<Integer> classifierHiddenSize() {
            return Optional.empty();
        }

        public Optional<Float> dropout() {
            return Optional.empty();
        }
    }

    @Test
    void noTableMeansARandomStart() {
        Model model = new Model(Optional.empty());
        assertTrue(StudentTrainerService.startingTable(model, StudentTrainerService.architecture(model, VOCABULARY, 2)).isEmpty());
    }

    @Test
    void theBundlesTableIsFittedToTheStudentsWidth() throws Exception {
        Path file = table(VOCABULARY, 16);
        Model model = new Model(Optional.of(file.toString()));
        Architecture architecture = StudentTrainerService.architecture(model, VOCABULARY, 2);
        float[] start = StudentTrainerService.startingTable(model, architecture).orElseThrow();
        assertEquals(VOCABULARY * 8, start.length);
        double squares = 0;
        for (float v : start) {
            squares += v * v;
        }
        assertEquals(EmbeddingInit.STUDENT_STD, Math.sqrt(squares / start.length), 1e-6);
    }

    @Test
    void aTableOfAnotherTokenizerOrACorruptFileStopsTheServiceWithTheReason() throws Exception {
        Model otherTokenizer = new Model(Optional.of(table(VOCABULARY + 1, 16).toString()));
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class, () -> StudentTrainerService.startingTable(
                otherTokenizer, StudentTrainerService.architecture(otherTokenizer, VOCABULARY, 2)));
        assertTrue(rows.getMessage().contains("another tokenizer"), rows.getMessage());

        Path corrupt = dir.resolve("corrupt.bin");
        Files.writeString(corrupt, "not a table, but long enough to have a header and a digest in it");
        Model broken = new Model(Optional.of(corrupt.toString()));
        UncheckedIOException io = assertThrows(UncheckedIOException.class, () -> StudentTrainerService.startingTable(
                broken, StudentTrainerService.architecture(broken, VOCABULARY, 2)));
        assertTrue(io.getMessage().startsWith("distillery.trainer.model.embeddings=" + corrupt + " cannot be used"), io.getMessage());
    }

    private Path table(int rows, int columns) throws Exception {
        Random random = new Random(rows);
        float[] values = new float[rows * columns];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        Path file = dir.resolve("table-" + rows + ".bin");
        new EmbeddingTable(rows, columns, values).write(file);
        return file;
    }
}
