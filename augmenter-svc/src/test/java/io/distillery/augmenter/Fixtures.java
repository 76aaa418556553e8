package io.distillery.augmenter;

import java.util.ArrayList;
import java.util.List;

/** Hand-built tagged texts and dictionaries, so sampling tests need no tagger. */
final class Fixtures {

    static final List<String> TAGS = List.of("NOUN", "VERB", "ADJ");

    private Fixtures() {
    }

    /** "w" + letters: distinct plain words. */
    static String word(String prefix, int i) {
        return prefix + (char) ('a' + i / 26 % 26) + (char) ('a' + i % 26);
    }

    /** {@code n} distinct words, tags cycling through {@link #TAGS}. */
    static TaggedText text(int n) {
        List<Token> tokens = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tokens.add(new Token(word("orig", i), TokenKind.WORD));
            tags.add(TAGS.get(i % TAGS.size()));
        }
        return TaggedText.of(tokens, tags);
    }

    /** Ten words per tag, none of them in {@link #text}: a replaced token is easy to spot. */
    static PosDictionary dictionary() {
        PosDictionary d = new PosDictionary(100, 1);
        for (String tag : TAGS) {
            for (int k = 0; k < 10; k++) {
                d.observe(tag, word(tag.toLowerCase(), k));
            }
        }
        return d;
    }
}
