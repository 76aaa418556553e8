package io.distillery.augmenter.streams;

import io.distillery.augmenter.AugmenterSettings;
import io.distillery.augmenter.NgramMode;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code distillery.augmenter.*}: every probability and count of the augmentation. Unset values
 * take the defaults of {@link AugmenterSettings} (Tang et al.'s), so they live in one place.
 */
@ConfigMapping(prefix = "distillery.augmenter")
public interface AugmenterConfig {

    /** Probability of replacing a token by the mask token (default 0.1). */
    Optional<Double> pMask();

    /** Probability of replacing a word by another of the same POS tag (default 0.1). */
    Optional<Double> pPos();

    /** Probability of n-gram sampling a variant (default 0.25). */
    Optional<Double> pNgram();

    /** Largest n of n-gram sampling, n uniform in 1..max (default 5). */
    Optional<Integer> maxNgram();

    /** Augmented variants wanted per input, beside the original (default 20). */
    Optional<Integer> nIter();

    /**
     * n_iter for the named sources, as source=n_iter pairs separated by commas (e.g. {@code uci=15});
     * texts of other sources take n-iter.
     */
    Optional<String> nIterBySource();

    Optional<String> maskToken();

    /** SAMPLE keeps the n-gram (the paper, default); MASK masks it (the public reimplementation). */
    Optional<NgramMode> ngramMode();

    /** Longer texts go to the dead-letter topic (default 2000). */
    Optional<Integer> maxTextChars();

    Optional<Integer> maxTokens();

    Optional<Integer> maxAttempts();

    Optional<Boolean> lowercase();

    /** Bound of the POS dictionary, per tag and per stream task (default 5000). */
    Optional<Integer> posWordsPerTag();

    /** Salt of the per-record seeds: change it for another, equally reproducible, augmentation. */
    @WithDefault("0")
    long seed();

    /** How often each task snapshots its POS dictionary into its changelogged store. */
    @WithDefault("5s")
    Duration dictionarySnapshotInterval();

    default AugmenterSettings settings() {
        AugmenterSettings.Builder b = AugmenterSettings.builder();
        pMask().ifPresent(b::pMask);
        pPos().ifPresent(b::pPos);
        pNgram().ifPresent(b::pNgram);
        maxNgram().ifPresent(b::maxNgram);
        nIter().ifPresent(b::nIter);
        nIterBySource().ifPresent(pairs -> b.nIterBySource(AugmenterSettings.parseNIterBySource(pairs)));
        maskToken().ifPresent(b::maskToken);
        ngramMode().ifPresent(b::ngramMode);
        maxTextChars().ifPresent(b::maxTextChars);
        maxTokens().ifPresent(b::maxTokens);
        maxAttempts().ifPresent(b::maxAttempts);
        lowercase().ifPresent(b::lowercase);
        posWordsPerTag().ifPresent(b::posWordsPerTag);
        return b.build();
    }
}
