package io.distillery.augmenter;

import java.util.Objects;

/** A normalised token and what kind of token it is. */
public record Token(String text, TokenKind kind) {
    public Token {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(kind, "kind");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a token cannot be empty");
        }
    }
}
