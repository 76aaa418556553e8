package io.distillery.augmenter;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Raw text to {@link TaggedText}: normalise, tag (on the original case, which the tagger needs), then
 * lowercase if configured. Thread-safe when its tagger is ({@link PosTagger} is).
 */
public final class TextAnalyzer {

    private final TextNormalizer normalizer;
    private final PosTagger tagger;
    private final boolean lowercase;

    public TextAnalyzer(TextNormalizer normalizer, PosTagger tagger, boolean lowercase) {
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
        this.tagger = Objects.requireNonNull(tagger, "tagger");
        this.lowercase = lowercase;
    }

    public static TextAnalyzer from(AugmenterSettings settings, PosTagger tagger) {
        return new TextAnalyzer(TextNormalizer.from(settings), tagger, settings.lowercase());
    }

    public TaggedText analyze(String text) {
        List<Token> tokens = normalizer.normalize(text);
        int n = tokens.size();
        String[] words = new String[n];
        TokenKind[] kinds = new TokenKind[n];
        for (int i = 0; i < n; i++) {
            words[i] = tokens.get(i).text();
            kinds[i] = tokens.get(i).kind();
        }
        String[] tags = tagger.tag(words);
        if (lowercase) {
            for (int i = 0; i < n; i++) {
                // Locale.ROOT: in a Turkish locale "I".toLowerCase() would be a dotless ı.
                words[i] = words[i].toLowerCase(Locale.ROOT);
            }
        }
        return TaggedText.wrap(words, kinds, tags);
    }
}
