package io.distillery.augmenter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * The original plus up to n_iter distinct synthetic variants of a text (Tang et al. 2019).
 *
 * <p>Draws {@link VariantSampler} samples until n_iter distinct ones differ from the original, or
 * max_attempts draws are spent: "ok", "ok ok" or "!" have only a handful of possible variants, and must
 * still terminate. Pure and deterministic: the same text, dictionary state and seed give the same
 * variants (seed the {@link Random} with {@link RecordSeeds#seedFor(String, long)} of the record id).
 * Thread-safe as long as nobody mutates the dictionary concurrently.
 */
public final class Augmenter {

    private static final List<Operation> ORIGINAL = List.of(Operation.ORIGINAL);

    private final AugmenterSettings settings;
    private final VariantSampler sampler;

    public Augmenter(AugmenterSettings settings, PosDictionary dictionary) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sampler = new VariantSampler(settings, dictionary);
    }

    /**
     * Variant 0 is the original (operations [ORIGINAL]); variants 1..k, k <= n_iter, are augmented,
     * pairwise distinct and different from the original, numbered in the order they were found.
     */
    public List<Variant> augment(TaggedText text, Random random) {
        return augment(text, null, random);
    }

    /** As {@link #augment(TaggedText, Random)}, with n_iter for a text of {@code source} (null: none). */
    public List<Variant> augment(TaggedText text, String source, Random random) {
        Objects.requireNonNull(random, "random");
        String original = text.text();
        int wanted = settings.nIterFor(source);
        int attempts = settings.maxAttemptsFor(source);
        List<Variant> variants = new ArrayList<>(wanted + 1);
        variants.add(new Variant(0, original, ORIGINAL));
        if (text.size() == 0) {
            return variants;
        }
        Set<String> seen = new HashSet<>(2 * wanted + 2);
        seen.add(original);
        for (int attempt = 0; attempt < attempts && variants.size() <= wanted; attempt++) {
            VariantSampler.Sample sample = sampler.draw(text, random);
            if (sample.isUnchanged()) {
                continue; // it is the original: no need to build its text
            }
            String variantText = sample.text();
            if (seen.add(variantText)) {
                variants.add(new Variant(variants.size(), variantText, sample.operations()));
            }
        }
        return variants;
    }
}
