package io.distillery.augmenter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-draw statistics of Tang et al.'s procedure, over 10,000 draws each. */
class VariantSamplerTest {

    private static final int DRAWS = 10_000;
    private static final String MASK = AugmenterSettings.DEFAULT_MASK_TOKEN;

    private final TaggedText text = Fixtures.text(20);
    private final PosDictionary dictionary = Fixtures.dictionary();

    private VariantSampler sampler(AugmenterSettings.Builder settings) {
        return new VariantSampler(settings.build(), dictionary);
    }

    @Test
    void masksTokensAtRatePMask() {
        VariantSampler sampler = sampler(AugmenterSettings.builder().pNgram(0));
        Random random = new Random(1);
        long masked = 0;
        for (int d = 0; d < DRAWS; d++) {
            for (String token : sampler.draw(text, random).tokens()) {
                masked += token.equals(MASK) ? 1 : 0;
            }
        }
        Binomial.assertRate("mask rate", masked, (long) DRAWS * text.size(), 0.1);
    }

    @Test
    void replacesTokensAtRatePPosWithWordsOfTheSameTag() {
        VariantSampler sampler = sampler(AugmenterSettings.builder().pNgram(0));
        Random random = new Random(2);
        long replaced = 0;
        for (int d = 0; d < DRAWS; d++) {
            String[] out = sampler.draw(text, random).tokens();
            for (int i = 0; i < out.length; i++) {
                if (!out[i].equals(MASK) && !out[i].equals(text.word(i))) {
                    replaced++;
                    String tag = text.tag(i);
                    String word = out[i];
                    assertTrue(dictionary.words(tag).contains(word), () -> word + " is not a " + tag);
                }
            }
        }
        Binomial.assertRate("POS replacement rate", replaced, (long) DRAWS * text.size(), 0.1);
    }

    @Test
    void specialTokensMayBeMaskedButAreNeverReplaced() {
        List<Token> tokens = List.of(new Token("<url>", TokenKind.URL), new Token("<user>", TokenKind.USER),
                new Token("#tag", TokenKind.HASHTAG), new Token("\uD83D\uDE02", TokenKind.EMOJI),
                new Token(":)", TokenKind.EMOTICON), new Token("<email>", TokenKind.EMAIL));
        TaggedText special = TaggedText.of(tokens, List.of("NOUN", "NOUN", "NOUN", "NOUN", "NOUN", "NOUN"));
        VariantSampler sampler = sampler(AugmenterSettings.builder().pMask(0.1).pPos(0.5).pNgram(0));
        Random random = new Random(3);
        long masked = 0;
        for (int d = 0; d < DRAWS; d++) {
            String[] out = sampler.draw(special, random).tokens();
            for (int i = 0; i < out.length; i++) {
                if (out[i].equals(MASK)) {
                    masked++;
                } else {
                    assertEquals(special.word(i), out[i], "special tokens are never POS-replaced");
                }
            }
        }
        Binomial.assertRate("mask rate of special tokens", masked, (long) DRAWS * special.size(), 0.1);
    }

    @Test
    void tokensWhoseTagHasNoWordsAreKept() {
        TaggedText interjections = TaggedText.of(List.of(new Token("wow", TokenKind.WORD)), List.of("INTJ"));
        VariantSampler sampler = sampler(AugmenterSettings.builder().pMask(0).pPos(1));
        Random random = new Random(4);
        for (int d = 0; d < 1000; d++) {
            assertTrue(sampler.draw(interjections, random).isUnchanged());
        }
    }

    @Test
    void ngramSamplingHappensAtRatePNgramWithLengthsUniformOverOneToMax() {
        VariantSampler sampler = sampler(AugmenterSettings.builder().pMask(0).pPos(0));
        Random random = new Random(5);
        int[] lengths = new int[6];
        Set<Integer> starts = new HashSet<>();
        int sampled = 0;
        List<String> original = List.of(text.text().split(" "));
        for (int d = 0; d < 4 * DRAWS; d++) {
            VariantSampler.Sample sample = sampler.draw(text, random);
            if (sample.isUnchanged()) {
                assertEquals(text.size(), sample.tokens().length);
                continue;
            }
            sampled++;
            assertEquals(List.of(Operation.NGRAM_SAMPLE), sample.operations());
            int n = sample.tokens().length;
            assertTrue(n >= 1 && n <= 5, "n-gram length " + n);
            lengths[n]++;
            int start = original.indexOf(sample.tokens()[0]);
            assertEquals(original.subList(start, start + n), List.of(sample.tokens()), "a contiguous n-gram");
            if (n == 1) {
                starts.add(start);
            }
        }
        Binomial.assertRate("n-gram sampling rate", sampled, 4L * DRAWS, 0.25);
        for (int n = 1; n <= 5; n++) {
            Binomial.assertRate("share of " + n + "-grams", lengths[n], sampled, 0.2);
        }
        assertTrue(starts.contains(0) && starts.contains(text.size() - 1), "unigrams reach the first and the last token");
    }

    @Test
    void maskModeMasksOneContiguousSpanAndKeepsTheRest() {
        VariantSampler sampler = sampler(AugmenterSettings.builder().pMask(0).pPos(0).pNgram(1)
                .ngramMode(NgramMode.MASK));
        Random random = new Random(6);
        int[] lengths = new int[6];
        for (int d = 0; d < DRAWS; d++) {
            VariantSampler.Sample sample = sampler.draw(text, random);
            String[] out = sample.tokens();
            assertEquals(text.size(), out.length);
            assertEquals(List.of(Operation.NGRAM_MASK), sample.operations());
            int first = -1;
            int last = -1;
            for (int i = 0; i < out.length; i++) {
                if (out[i].equals(MASK)) {
                    first = first < 0 ? i : first;
                    last = i;
                } else {
                    assertEquals(text.word(i), out[i]);
                }
            }
            for (int i = first; i <= last; i++) {
                assertEquals(MASK, out[i], "the masked span is contiguous");
            }
            lengths[last - first + 1]++;
        }
        for (int n = 1; n <= 5; n++) {
            Binomial.assertRate("share of masked " + n + "-grams", lengths[n], DRAWS, 0.2);
        }
    }

    @Test
    void operationsListExactlyWhatIsVisible() {
        VariantSampler sampler = sampler(AugmenterSettings.builder());
        Set<String> originals = Set.of(text.text().split(" "));
        Random random = new Random(7);
        for (int d = 0; d < DRAWS; d++) {
            VariantSampler.Sample sample = sampler.draw(text, random);
            List<String> out = List.of(sample.tokens());
            boolean masked = out.contains(MASK);
            boolean replaced = out.stream().anyMatch(t -> !t.equals(MASK) && !originals.contains(t));
            boolean cut = out.size() < text.size();
            assertEquals(masked, sample.operations().contains(Operation.MASK), () -> out + " " + sample.operations());
            assertEquals(replaced, sample.operations().contains(Operation.POS_REPLACE), () -> out + " " + sample.operations());
            assertEquals(cut, sample.operations().contains(Operation.NGRAM_SAMPLE), () -> out + " " + sample.operations());
            assertEquals(sample.operations().size(), Set.copyOf(sample.operations()).size(), "each operation once");
            assertTrue(!cut || sample.operations().get(sample.operations().size() - 1) == Operation.NGRAM_SAMPLE,
                    "n-gram sampling is applied last");
        }
    }

    @Test
    void shortTextsAreHandled() {
        VariantSampler sampler = sampler(AugmenterSettings.builder().pMask(0).pPos(0).pNgram(1));
        Random random = new Random(8);
        for (int d = 0; d < 1000; d++) {
            assertTrue(sampler.draw(Fixtures.text(1), random).isUnchanged(), "no n-gram in a single token");
            assertEquals(1, sampler.draw(Fixtures.text(2), random).tokens().length, "a 2-token text gives unigrams");
            assertEquals(0, sampler.draw(TaggedText.empty(), random).tokens().length);
        }
    }
}
