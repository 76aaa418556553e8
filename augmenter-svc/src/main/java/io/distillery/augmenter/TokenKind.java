package io.distillery.augmenter;

/** What a token produced by {@link TextNormalizer} is. */
public enum TokenKind {
    /** Letters (any script), possibly with digits, inner apostrophes or hyphens, or an abbreviation like "u.s.". */
    WORD(false),
    /** Digits, possibly with inner separators ("1,000", "3.5", "10:30"). */
    NUMBER(false),
    /** Punctuation or a symbol; runs of one character are one token ("!!", "..."). */
    PUNCT(false),
    /** A URL, replaced by the placeholder {@value TextNormalizer#URL}. */
    URL(true),
    /** An e-mail address, replaced by the placeholder {@value TextNormalizer#EMAIL}. */
    EMAIL(true),
    /** An @mention, replaced by the placeholder {@value TextNormalizer#USER}. */
    USER(true),
    /** A hashtag kept whole, "#word". */
    HASHTAG(true),
    /** One emoji, including modifiers, ZWJ sequences, keycaps and flags. */
    EMOJI(true),
    /** A text emoticon such as ":)" or "<3". */
    EMOTICON(true);

    private final boolean special;

    TokenKind(boolean special) {
        this.special = special;
    }

    /**
     * Special tokens carry meaning a POS tagger cannot judge (a handle is not a noun like any other):
     * they may be masked, but they are never replaced by a dictionary word, nor learnt as one.
     */
    public boolean isSpecial() {
        return special;
    }
}
