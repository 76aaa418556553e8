package io.distillery.augmenter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Every knob of the augmenter (Tang et al. 2019, "Distilling Task-Specific Knowledge from BERT into
 * Simple Neural Networks", section 3.2), validated on construction.
 *
 * <p>Per token one uniform draw {@code u} decides: {@code u < pMask} masks it,
 * {@code u < pMask + pPos} replaces it by a dictionary word with the same POS tag, else it is kept.
 * Then, with probability {@code pNgram}, n-gram sampling with n uniform in {@code 1..maxNgram}.
 *
 * <p><b>Default n-gram mode: {@link NgramMode#SAMPLE}.</b> The paper samples an n-gram and keeps it as
 * the synthetic example; the public reimplementation (seed 001, Amadori) masks the n-gram instead.
 * The seed reports good results with masking but offers no ablation between the two, and its own
 * lesson is that results hinged on following the paper's scheme closely, so the paper is the default.
 * Sampled fragments also give the teacher short phrases to label, the phrase-level signal SST was
 * built from. {@link NgramMode#MASK} is one setting away for whoever wants the reimplementation.
 *
 * @param pMask          probability to replace a token by {@code maskToken} (paper: 0.1)
 * @param pPos           probability to replace a token by a same-POS word (paper: 0.1)
 * @param pNgram         probability to apply n-gram sampling to a variant (paper: 0.25)
 * @param maxNgram       largest n for n-gram sampling, n is uniform in 1..maxNgram (paper: 5)
 * @param nIter          augmented variants wanted per input, besides the original (paper: 20)
 * @param maskToken      the mask token; must not look like a word or a placeholder
 * @param ngramMode      keep ({@link NgramMode#SAMPLE}) or mask ({@link NgramMode#MASK}) the n-gram
 * @param maxTextChars   longer input is cut (at a space when possible) before normalising
 * @param maxTokens      tokens beyond this are dropped; bounds tagging and sampling cost
 * @param maxAttempts    draws allowed per input to find {@code nIter} distinct variants; short texts
 *                       have few distinct variants, so this is what makes them terminate
 * @param lowercase      lowercase the output (the paper's teacher was uncased BERT); tagging always
 *                       sees the original case, which it needs
 * @param posWordsPerTag memory bound of the POS dictionary: most words kept per tag
 * @param nIterBySource  n_iter for texts of the named sources ({@code RawText.source}), the others
 *                       taking {@code nIter}: Tang et al. augment the small in-domain transfer set,
 *                       while a large unlabelled corpus is worth more as it is (quality bench)
 */
public record AugmenterSettings(
        double pMask,
        double pPos,
        double pNgram,
        int maxNgram,
        int nIter,
        String maskToken,
        NgramMode ngramMode,
        int maxTextChars,
        int maxTokens,
        int maxAttempts,
        boolean lowercase,
        int posWordsPerTag,
        Map<String, Integer> nIterBySource) {

    public static final double DEFAULT_P_MASK = 0.1;
    public static final double DEFAULT_P_POS = 0.1;
    public static final double DEFAULT_P_NGRAM = 0.25;
    public static final int DEFAULT_MAX_NGRAM = 5;
    public static final int DEFAULT_N_ITER = 20;
    public static final String DEFAULT_MASK_TOKEN = "[MASK]";
    public static final NgramMode DEFAULT_NGRAM_MODE = NgramMode.SAMPLE;
    public static final int DEFAULT_MAX_TEXT_CHARS = 2000;
    /** BERT-sized teachers read at most 512 word pieces; more tokens than that are never useful. */
    public static final int DEFAULT_MAX_TOKENS = 512;
    /** Ten draws per wanted variant: plenty for normal text, a hard stop for one-word text. */
    public static final int DEFAULT_ATTEMPTS_PER_VARIANT = 10;
    public static final boolean DEFAULT_LOWERCASE = true;
    public static final int DEFAULT_POS_WORDS_PER_TAG = 5000;

    public AugmenterSettings {
        requireProbability("p_mask", pMask);
        requireProbability("p_pos", pPos);
        requireProbability("p_ng", pNgram);
        if (pMask + pPos > 1.0) {
            throw new IllegalArgumentException("p_mask + p_pos must be <= 1 (one uniform draw per token picks"
                    + " mask, POS replacement or keep), was " + pMask + " + " + pPos + " = " + (pMask + pPos));
        }
        requireAtLeast("max_ngram", maxNgram, 1);
        requireAtLeast("n_iter", nIter, 0);
        if (ngramMode == null) {
            throw new IllegalArgumentException("ngram mode must be set: SAMPLE (the paper) or MASK");
        }
        requireAtLeast("max_text_chars", maxTextChars, 1);
        requireAtLeast("max_tokens", maxTokens, 1);
        requireAtLeast("max_attempts", maxAttempts, nIter);
        requireAtLeast("pos_words_per_tag", posWordsPerTag, 1);
        requireMaskToken(maskToken);
        nIterBySource = Map.copyOf(Objects.requireNonNull(nIterBySource, "nIterBySource"));
        nIterBySource.forEach((source, n) -> {
            if (source.isBlank()) {
                throw new IllegalArgumentException("n_iter by source: a source name must not be blank");
            }
            requireAtLeast("n_iter of source " + source, n, 0);
        });
    }

    /** The variants wanted for a text of {@code source} (null: no source). */
    public int nIterFor(String source) {
        return source == null ? nIter : nIterBySource.getOrDefault(source, nIter);
    }

    /**
     * Draws allowed for a text of {@code source}: max_attempts is set for n_iter, so a source with
     * its own n_iter gets proportionally many (at least max_attempts).
     */
    public int maxAttemptsFor(String source) {
        int wanted = nIterFor(source);
        if (wanted <= nIter) {
            return maxAttempts;
        }
        return (int) Math.min(Integer.MAX_VALUE, (long) maxAttempts * wanted / Math.max(1, nIter));
    }

    /**
     * Parses {@code source=n_iter} pairs separated by commas ({@code "uci=15,tweets=0"}); blank
     * gives none.
     */
    public static Map<String, Integer> parseNIterBySource(String pairs) {
        Map<String, Integer> bySource = new LinkedHashMap<>();
        if (pairs == null || pairs.isBlank()) {
            return bySource;
        }
        for (String pair : pairs.split(",")) {
            String[] parts = pair.split("=", -1);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new IllegalArgumentException("n_iter by source takes source=n_iter pairs separated by commas"
                        + " (e.g. uci=15,tweets=0), not " + quote(pair.strip()));
            }
            String source = parts[0].strip();
            int n;
            try {
                n = Integer.parseInt(parts[1].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("n_iter of source " + source + " must be a whole number, not "
                        + quote(parts[1].strip()), e);
            }
            if (bySource.put(source, n) != null) {
                throw new IllegalArgumentException("n_iter by source names " + source + " twice");
            }
        }
        return bySource;
    }

    /** The paper's settings. */
    public static AugmenterSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder()
                .pMask(pMask).pPos(pPos).pNgram(pNgram).maxNgram(maxNgram).nIter(nIter)
                .maskToken(maskToken).ngramMode(ngramMode).maxTextChars(maxTextChars)
                .maxTokens(maxTokens).maxAttempts(maxAttempts).lowercase(lowercase)
                .posWordsPerTag(posWordsPerTag).nIterBySource(nIterBySource);
    }

    private static void requireProbability(String name, double p) {
        if (!(p >= 0.0 && p <= 1.0)) { // also rejects NaN
            throw new IllegalArgumentException(name + " must be a probability in [0, 1], was " + p);
        }
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
        }
    }

    private static void requireMaskToken(String maskToken) {
        if (maskToken == null || maskToken.isBlank()) {
            throw new IllegalArgumentException("mask token must be a non-blank string, was " + quote(maskToken));
        }
        if (maskToken.codePoints().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("mask token must not contain whitespace (variants are"
                    + " space-joined tokens), was " + quote(maskToken));
        }
        if (TextNormalizer.isPlaceholder(maskToken)) {
            throw new IllegalArgumentException("mask token must differ from the placeholders "
                    + TextNormalizer.PLACEHOLDERS + ", was " + quote(maskToken));
        }
        // A word-like mask could be learnt by the POS dictionary and confused with real text.
        if (WordFilter.isWordLike(maskToken)) {
            throw new IllegalArgumentException("mask token must not look like a word (use brackets, as in"
                    + " \"[MASK]\" or \"<mask>\"), was " + quote(maskToken));
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    /** Builds settings from the paper's defaults; every setter is optional. */
    public static final class Builder {
        private double pMask = DEFAULT_P_MASK;
        private double pPos = DEFAULT_P_POS;
        private double pNgram = DEFAULT_P_NGRAM;
        private int maxNgram = DEFAULT_MAX_NGRAM;
        private int nIter = DEFAULT_N_ITER;
        private String maskToken = DEFAULT_MASK_TOKEN;
        private NgramMode ngramMode = DEFAULT_NGRAM_MODE;
        private int maxTextChars = DEFAULT_MAX_TEXT_CHARS;
        private int maxTokens = DEFAULT_MAX_TOKENS;
        private Integer maxAttempts; // null: follows nIter
        private boolean lowercase = DEFAULT_LOWERCASE;
        private int posWordsPerTag = DEFAULT_POS_WORDS_PER_TAG;
        private Map<String, Integer> nIterBySource = Map.of();

        private Builder() {
        }

        public Builder pMask(double v) { pMask = v; return this; }
        public Builder pPos(double v) { pPos = v; return this; }
        public Builder pNgram(double v) { pNgram = v; return this; }
        public Builder maxNgram(int v) { maxNgram = v; return this; }
        public Builder nIter(int v) { nIter = v; return this; }
        public Builder maskToken(String v) { maskToken = v; return this; }
        public Builder ngramMode(NgramMode v) { ngramMode = v; return this; }
        public Builder maxTextChars(int v) { maxTextChars = v; return this; }
        public Builder maxTokens(int v) { maxTokens = v; return this; }
        public Builder maxAttempts(int v) { maxAttempts = v; return this; }
        public Builder lowercase(boolean v) { lowercase = v; return this; }
        public Builder posWordsPerTag(int v) { posWordsPerTag = v; return this; }
        public Builder nIterBySource(Map<String, Integer> v) { nIterBySource = v; return this; }

        public AugmenterSettings build() {
            int attempts = maxAttempts != null
                    ? maxAttempts
                    : (int) Math.min(Integer.MAX_VALUE, (long) Math.max(1, nIter) * DEFAULT_ATTEMPTS_PER_VARIANT);
            return new AugmenterSettings(pMask, pPos, pNgram, maxNgram, nIter, maskToken, ngramMode,
                    maxTextChars, maxTokens, attempts, lowercase, posWordsPerTag, nIterBySource);
        }
    }
}
