package io.distillery.augmenter;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A normalised text ready for augmentation: its tokens in output form (lowercased if so configured),
 * their kinds and their POS tags. Immutable.
 */
public final class TaggedText {

    private static final TaggedText EMPTY = new TaggedText(new String[0], new TokenKind[0], new String[0]);

    private final String[] words;
    private final TokenKind[] kinds;
    private final String[] tags;
    private final String text;

    private TaggedText(String[] words, TokenKind[] kinds, String[] tags) {
        this.words = words;
        this.kinds = kinds;
        this.tags = tags;
        this.text = String.join(" ", words);
    }

    /** Tokens and their tags, e.g. for tests or for a tagger of one's own. */
    public static TaggedText of(List<Token> tokens, List<String> tags) {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(tags, "tags");
        if (tokens.size() != tags.size()) {
            throw new IllegalArgumentException("one tag per token: " + tokens.size() + " tokens, " + tags.size() + " tags");
        }
        String[] words = new String[tokens.size()];
        TokenKind[] kinds = new TokenKind[tokens.size()];
        for (int i = 0; i < words.length; i++) {
            words[i] = tokens.get(i).text();
            kinds[i] = tokens.get(i).kind();
        }
        return new TaggedText(words, kinds, tags.toArray(String[]::new));
    }

    /** Takes ownership of the arrays: callers in this package build them fresh. */
    static TaggedText wrap(String[] words, TokenKind[] kinds, String[] tags) {
        return words.length == 0 ? EMPTY : new TaggedText(words, kinds, tags);
    }

    public static TaggedText empty() {
        return EMPTY;
    }

    public int size() {
        return words.length;
    }

    public String word(int i) {
        return words[i];
    }

    public TokenKind kind(int i) {
        return kinds[i];
    }

    public String tag(int i) {
        return tags[i];
    }

    /** The tokens joined by single spaces: the original variant's text. */
    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaggedText other && Arrays.equals(words, other.words)
                && Arrays.equals(kinds, other.kinds) && Arrays.equals(tags, other.tags);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words) * 31 + Arrays.hashCode(tags);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < words.length; i++) {
            out.append(i == 0 ? "" : " ").append(words[i]).append('/').append(tags[i]);
        }
        return out.toString();
    }
}
