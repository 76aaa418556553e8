package io.distillery.augmenter;

/** What n-gram sampling does with the n-gram it picks (Tang et al. 2019, section 3.2). */
public enum NgramMode {
    /** Keep only the sampled n-gram: the variant becomes a 1..max_ngram token fragment (the paper). */
    SAMPLE,
    /** Replace the sampled n-gram by mask tokens, keeping the rest (the public reimplementation). */
    MASK
}
