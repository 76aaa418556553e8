package io.distillery.augmenter;

/**
 * An augmentation operation that shaped a variant. Mirrors the Avro enum
 * {@code io.distillery.schemas.AugmentationOperation} symbol for symbol, so mapping is by name.
 */
public enum Operation {
    /** The unmodified (normalised) text. */
    ORIGINAL,
    /** At least one token replaced by the mask token. */
    MASK,
    /** At least one word replaced by another word with the same part-of-speech tag. */
    POS_REPLACE,
    /** The variant was cut down to a sampled n-gram ({@link NgramMode#SAMPLE}). */
    NGRAM_SAMPLE,
    /** A sampled n-gram was masked ({@link NgramMode#MASK}). */
    NGRAM_MASK
}
