/**
 * The augmenter's pure algorithm (Tang et al. 2019), with no Kafka in sight.
 *
 * <pre>
 * raw text ─► TextNormalizer ─► PosTagger ─► TaggedText ─► PosDictionary.learn   (the stream teaches it)
 *            (TextAnalyzer does these three)      │
 *                                                 └──────► Augmenter ─► [original, variant 1..n_iter]
 *                                                          (VariantSampler draws, Augmenter de-duplicates;
 *                                                           Random seeded by RecordSeeds from the record id)
 * </pre>
 *
 * Every knob is in {@link io.distillery.augmenter.AugmenterSettings}.
 */
package io.distillery.augmenter;
