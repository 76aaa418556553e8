package io.distillery.student;

import io.distillery.schemas.TokenizerReference;
import java.util.Locale;
import java.util.Objects;

/**
 * Which tokenizer a student was trained with: a name (e.g. the teacher bundle it comes from) and
 * the SHA-256 (lower-case hex) of its tokenizer.json. Two tokenizers are the same iff their
 * SHA-256s are; the name is for people.
 */
public record TokenizerRef(String name, String sha256) {

    public TokenizerRef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
        sha256 = sha256.toLowerCase(Locale.ROOT);
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 hex digest: '" + sha256 + "'");
        }
    }

    public TokenizerReference toAvro() {
        return TokenizerReference.newBuilder().setName(name).setSha256(sha256).build();
    }

    public static TokenizerRef fromAvro(TokenizerReference reference) {
        return new TokenizerRef(reference.getName(), reference.getSha256());
    }
}
