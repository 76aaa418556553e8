package io.distillery.augmenter;

import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.UciSentiment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AugmenterTest {

    private final AugmenterSettings settings = AugmenterSettings.defaults();
    private final Augmenter augmenter = new Augmenter(settings, Fixtures.dictionary());

    @Test
    void givesTheOriginalThenNIterDistinctVariantsThatDifferFromIt() {
        TaggedText text = Fixtures.text(20);
        List<Variant> variants = augmenter.augment(text, new Random(1));

        assertEquals(new Variant(0, text.text(), List.of(Operation.ORIGINAL)), variants.get(0));
        assertEquals(1 + settings.nIter(), variants.size());
        Set<String> texts = new HashSet<>();
        for (int i = 1; i < variants.size(); i++) {
            Variant v = variants.get(i);
            assertEquals(i, v.index());
            assertNotEquals(text.text(), v.text());
            assertTrue(texts.add(v.text()), "duplicate variant " + v.text());
            assertFalse(v.operations().isEmpty());
            assertFalse(v.operations().contains(Operation.ORIGINAL));
        }
    }

    @Test
    void aSourceWithItsOwnNIterGetsThatManyVariants() {
        Augmenter bySource = new Augmenter(settings.toBuilder().nIter(1).nIterBySource(Map.of("uci", 12, "tweets", 0)).build(),
                Fixtures.dictionary());
        TaggedText text = Fixtures.text(20);
        assertEquals(1 + 12, bySource.augment(text, "uci", new Random(1)).size());
        assertEquals(1, bySource.augment(text, "tweets", new Random(1)).size());
        assertEquals(1 + 1, bySource.augment(text, "reviews", new Random(1)).size());
        assertEquals(1 + 1, bySource.augment(text, new Random(1)).size());
        // the same draws: the source's variants begin with the default's
        assertEquals(bySource.augment(text, "reviews", new Random(1)), bySource.augment(text, "uci", new Random(1)).subList(0, 2));
    }

    @Test
    void sameRecordIdGivesTheSameVariantsAndOtherIdsOtherOnes() {
        TaggedText text = Fixtures.text(12);
        List<Variant> first = augmenter.augment(text, RecordSeeds.randomFor("record-42", 0));
        List<Variant> again = new Augmenter(settings, Fixtures.dictionary())
                .augment(text, RecordSeeds.randomFor("record-42", 0));
        List<Variant> otherId = augmenter.augment(text, RecordSeeds.randomFor("record-43", 0));
        List<Variant> otherSalt = augmenter.augment(text, RecordSeeds.randomFor("record-42", 1));

        assertEquals(first, again);
        assertNotEquals(first, otherId);
        assertNotEquals(first, otherSalt);
    }

    @Test
    void outputIsPinnedSoReplaysAcrossReleasesReproduce() {
        // A change here changes every variant ever produced for a record id: make it only on purpose.
        List<Variant> variants = augmenter.augment(Fixtures.text(6), RecordSeeds.randomFor("golden", 0));
        assertEquals(List.of(
                new Variant(1, "[MASK] origab origac origad verbai origaf", List.of(Operation.MASK, Operation.POS_REPLACE)),
                new Variant(2, "verbag origac", List.of(Operation.POS_REPLACE, Operation.NGRAM_SAMPLE)),
                new Variant(3, "[MASK] origab origac origad origae origaf", List.of(Operation.MASK))),
                variants.subList(1, 4));
    }

    @Test
    void shortTextsTerminateWithTheFewVariantsThatExist() {
        PosDictionary d = new PosDictionary(10, 1);
        List.of("good", "bad", "fine").forEach(w -> d.observe("ADJ", w));
        TaggedText ok = TaggedText.of(List.of(new Token("ok", TokenKind.WORD)), List.of("ADJ"));

        List<Variant> variants = new Augmenter(settings, d).augment(ok, new Random(2));

        Set<String> texts = new HashSet<>();
        variants.subList(1, variants.size()).forEach(v -> texts.add(v.text()));
        assertEquals(Set.of("[MASK]", "good", "bad", "fine"), texts, "all there is, and nothing more");
    }

    @Test
    void attemptsAreBounded() {
        TaggedText one = Fixtures.text(1);
        CountingRandom random = new CountingRandom(3);
        new Augmenter(settings.toBuilder().maxAttempts(50).build(), new PosDictionary(10, 1)).augment(one, random);
        // One token: a draw takes one number for the token and none for n-grams (too short).
        assertEquals(50, random.doubles, "exactly max_attempts draws for a text with one possible variant");
    }

    @Test
    void emptyTextAndZeroIterationsGiveOnlyTheOriginal() {
        assertEquals(List.of(new Variant(0, "", List.of(Operation.ORIGINAL))),
                augmenter.augment(TaggedText.empty(), new Random(4)));
        Augmenter none = new Augmenter(settings.toBuilder().nIter(0).build(), Fixtures.dictionary());
        assertEquals(1, none.augment(Fixtures.text(10), new Random(4)).size());
    }

    @Test
    void theRealPipelineOnUciSentencesIsReproducibleAndOnlyUsesKnownWords() {
        List<LabelledSentence> corpus = UciSentiment.all().subList(0, 400);
        List<List<Variant>> first = run(corpus);
        List<List<Variant>> second = run(corpus);
        assertEquals(first, second, "same stream, same dictionary seed, same ids: same output");

        PosDictionary dictionary = learnt(corpus);
        Set<String> known = new HashSet<>();
        dictionary.tags().forEach(tag -> known.addAll(dictionary.words(tag)));
        known.add(settings.maskToken());
        TextAnalyzer analyzer = TextAnalyzer.from(settings, PosTagger.english());
        int full = 0;
        for (int s = 0; s < corpus.size(); s++) {
            TaggedText text = analyzer.analyze(corpus.get(s).text());
            Set<String> allowed = new HashSet<>(known);
            allowed.addAll(List.of(text.text().split(" ")));
            List<Variant> variants = first.get(s);
            assertTrue(variants.size() <= 1 + settings.nIter());
            full += variants.size() == 1 + settings.nIter() ? 1 : 0;
            for (Variant v : variants) {
                for (String token : v.text().split(" ")) {
                    assertTrue(allowed.contains(token), () -> "unexpected token " + token + " in " + v.text());
                }
            }
        }
        assertTrue(full >= corpus.size() * 9 / 10, "most sentences get all n_iter variants: " + full);
    }

    private List<List<Variant>> run(List<LabelledSentence> corpus) {
        TextAnalyzer analyzer = TextAnalyzer.from(settings, PosTagger.english());
        PosDictionary dictionary = PosDictionary.from(settings, 2024);
        Augmenter pipeline = new Augmenter(settings, dictionary);
        return corpus.stream().map(sentence -> {
            TaggedText text = analyzer.analyze(sentence.text());
            dictionary.learn(text);
            return pipeline.augment(text, RecordSeeds.randomFor(sentence.id(), 0));
        }).toList();
    }

    private PosDictionary learnt(List<LabelledSentence> corpus) {
        TextAnalyzer analyzer = TextAnalyzer.from(settings, PosTagger.english());
        PosDictionary dictionary = PosDictionary.from(settings, 2024);
        corpus.forEach(sentence -> dictionary.learn(analyzer.analyze(sentence.text())));
        return dictionary;
    }

    /** Counts uniform draws, to see how many attempts the augmenter made. */
    private static final class CountingRandom extends Random {
        int doubles;

        CountingRandom(long seed) {
            super(seed);
        }

        @Override
        public double nextDouble() {
            doubles++;
            return super.nextDouble();
        }
    }
}
