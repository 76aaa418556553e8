package io.distillery.teacher.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.formats.EmbeddingTable;
import io.distillery.teacher.DeviceChoice;
import io.distillery.teacher.SmallTeacher;
import io.distillery.teacher.TeacherManifest;
import io.distillery.teacher.TestBundles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudentEmbeddingsTest {

    @TempDir
    Path dir;

    /** The real MiniLM encoder over its whole vocabulary (about 30 s on two cores). */
    @Test
    void writesOneEncoderVectorPerVocabularyTokenIntoTheBundle() throws Exception {
        Path bundle = SmallTeacher.build(dir);
        TeacherManifest manifest = TeacherManifest.read(bundle);
        List<String> tokens = StudentEmbeddings.vocabulary(bundle.resolve(manifest.tokenizer()));
        int good = tokens.indexOf("good");
        int bad = tokens.indexOf("bad");
        assertTrue(good > 0 && bad > 0, "whole words are in the vocabulary as they are");
        assertTrue(tokens.contains("ing") && !tokens.contains("##ing"), "a word piece's ## is dropped");

        Path file = StudentEmbeddings.write(bundle, DeviceChoice.CPU);
        assertEquals(bundle.resolve(EmbeddingTable.FILE_NAME), file);
        EmbeddingTable table = EmbeddingTable.read(file);
        assertEquals(tokens.size(), table.rows());
        assertEquals(384, table.columns(), "MiniLM's hidden size");
        for (float value : table.values()) {
            assertTrue(Float.isFinite(value));
        }
        // Related words sit closer than unrelated ones: the rows are the encoder's view, not noise.
        double goodGreat = TestBundles.cosine(table.row(good), table.row(tokens.indexOf("great")));
        double goodTable = TestBundles.cosine(table.row(good), table.row(tokens.indexOf("table")));
        assertTrue(goodGreat > goodTable, "cos(good, great) " + goodGreat + " vs cos(good, table) " + goodTable);
        assertTrue(!Arrays.equals(table.row(good), table.row(bad)));
    }
}
