package io.distillery.augmenter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PosDictionaryTest {

    private static final String NOUN = "NOUN";

    /** Distinct word-like strings: "zq" plus base-16 digits spelt a..p (never repetitive). */
    private static String word(int i) {
        StringBuilder s = new StringBuilder("zq");
        do {
            s.append((char) ('a' + (i & 15)));
            i >>>= 4;
        } while (i > 0);
        return s.toString();
    }

    private static void observe(PosDictionary d, String tag, String word, int times) {
        for (int i = 0; i < times; i++) {
            d.observe(tag, word);
        }
    }

    @Test
    void learnsOnlyPlainWordLikeWords() {
        List<Token> tokens = List.of(
                new Token("<url>", TokenKind.URL), new Token("<user>", TokenKind.USER),
                new Token("<email>", TokenKind.EMAIL), new Token("#blessed", TokenKind.HASHTAG),
                new Token("\uD83D\uDE02", TokenKind.EMOJI), new Token(":)", TokenKind.EMOTICON),
                new Token("2020", TokenKind.NUMBER), new Token("!!", TokenKind.PUNCT),
                new Token("mp3", TokenKind.WORD), new Token("hahaha", TokenKind.WORD),
                new Token("phone", TokenKind.WORD), new Token("don't", TokenKind.WORD));
        PosDictionary d = new PosDictionary(100, 1);
        d.learn(TaggedText.of(tokens, Collections.nCopies(tokens.size(), NOUN)));
        assertEquals(List.of("phone", "don't"), d.words(NOUN));
    }

    @Test
    void tweetsThroughTheRealPipelineNeverTeachPlaceholdersOrGarbage() {
        TextAnalyzer analyzer = TextAnalyzer.from(AugmenterSettings.defaults(), PosTagger.english());
        PosDictionary d = new PosDictionary(1000, 1);
        List<String> tweets = List.of(
                "@united lost my bag AGAIN!!! http://t.co/xyz #fail \uD83D\uDE21\uD83D\uDE21",
                "RT @bob: loving this weather :) www.weather.com/today 2day is 25C",
                "omg hahahaha sooooo cute #puppies \u2764\uFE0F mail me at a.b@c.org",
                "$$$ 100% FREE!!! >>> click bit.ly/free123 <<< x_x a1b2c3",
                "The new phone has a great screen but the battery dies fast.");
        tweets.forEach(t -> d.learn(analyzer.analyze(t)));
        Set<String> forbidden = Set.of("<url>", "<user>", "<email>", "#fail", "#puppies", "hahahaha", "2day", "25c",
                "100", "a1b2c3", "x_x", ":)");
        assertTrue(d.size() > 20, "learnt the plain words: " + d.size());
        for (String tag : d.tags()) {
            for (String w : d.words(tag)) {
                assertTrue(WordFilter.isWordLike(w), () -> tag + " learnt non-word " + w);
                assertFalse(forbidden.contains(w), () -> tag + " learnt " + w);
            }
        }
        assertTrue(d.contains("NOUN", "phone"));
        assertFalse(d.tags().contains("PUNCT"), "punctuation never enters");
    }

    @Test
    void samplesProportionallyToCounts() {
        PosDictionary d = new PosDictionary(10, 1);
        observe(d, NOUN, "cat", 1);
        observe(d, NOUN, "dog", 3);
        Random random = new Random(11);
        int dogs = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            dogs += d.sample(NOUN, random).equals("dog") ? 1 : 0;
        }
        Binomial.assertRate("dog share", dogs, n, 0.75);
        assertNull(d.sample("VERB", random), "unknown tag");
    }

    @Test
    void sampleOtherNeverReturnsTheExcludedWordAndKeepsTheOthersProportions() {
        PosDictionary d = new PosDictionary(10, 1);
        observe(d, NOUN, "cat", 1);
        observe(d, NOUN, "dog", 3);
        observe(d, NOUN, "fish", 4);
        Random random = new Random(12);
        int dogs = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            String w = d.sampleOther(NOUN, "fish", random);
            assertNotEquals("fish", w);
            dogs += w.equals("dog") ? 1 : 0;
        }
        Binomial.assertRate("dog share without fish", dogs, n, 0.75);
        assertTrue(Set.of("cat", "dog", "fish").contains(d.sampleOther(NOUN, "unseen", random)));

        PosDictionary single = new PosDictionary(10, 1);
        single.observe(NOUN, "cat");
        assertNull(single.sampleOther(NOUN, "cat", random), "no other word");
    }

    @Test
    void staysWithinItsBoundAndKeepsTheFrequentWords() {
        PosDictionary d = new PosDictionary(50, 3);
        int rare = 100;
        for (int round = 0; round < 200; round++) {
            for (int f = 0; f < 20; f++) {
                d.observe(NOUN, word(f)); // 20 frequent words, seen every round
            }
            for (int k = 0; k < 50; k++) {
                d.observe(NOUN, word(rare++)); // 10,000 words seen once each
            }
            assertTrue(d.size(NOUN) <= 50, "bound exceeded: " + d.size(NOUN));
        }
        for (int f = 0; f < 20; f++) {
            assertTrue(d.contains(NOUN, word(f)), "frequent word evicted: " + word(f));
        }
        assertEquals(50, d.size(NOUN));
        int last = rare;
        long recent = IntStream.range(last - 50, last).filter(i -> d.contains(NOUN, word(i))).count();
        assertTrue(recent > 0, "the tail keeps following the stream");
    }

    @Test
    void countsAreHalvedPastTheDecayTotal() {
        PosDictionary d = new PosDictionary(10, 1, 10);
        observe(d, NOUN, "cat", 8);
        observe(d, NOUN, "dog", 3); // total 11 > 10: halve
        assertEquals(4, d.count(NOUN, "cat"));
        assertEquals(1, d.count(NOUN, "dog"));
    }

    @Test
    void sameSeedAndStreamGiveTheSameDictionary() {
        PosDictionary a = streamInto(new PosDictionary(30, 99));
        PosDictionary b = streamInto(new PosDictionary(30, 99));
        PosDictionary c = streamInto(new PosDictionary(30, 100));
        assertArrayEquals(a.toBytes(), b.toBytes());
        assertFalse(Arrays.equals(a.toBytes(), c.toBytes()), "another seed evicts other words");
    }

    private static PosDictionary streamInto(PosDictionary d) {
        Random stream = new Random(5);
        for (int i = 0; i < 5_000; i++) {
            d.observe(i % 3 == 0 ? "VERB" : NOUN, word(stream.nextInt(400)));
        }
        return d;
    }

    @Test
    void roundTripsThroughBytesIncludingItsGeneratorState() {
        PosDictionary original = streamInto(new PosDictionary(30, 7));
        original.observe("ADJ", "caf\u00E9");
        original.observe("X", "\u05E9\u05DC\u05D5\u05DD");
        byte[] bytes = original.toBytes();
        PosDictionary copy = PosDictionary.fromBytes(bytes);

        assertArrayEquals(bytes, copy.toBytes());
        assertEquals(original.tags(), copy.tags());
        for (String tag : original.tags()) {
            assertEquals(original.words(tag), copy.words(tag));
        }
        Random r1 = new Random(3);
        Random r2 = new Random(3);
        for (int i = 0; i < 1000; i++) {
            assertEquals(original.sample(NOUN, r1), copy.sample(NOUN, r2));
        }
        // Evictions after the round trip match too: the generator state travelled with the words.
        streamInto(original);
        streamInto(copy);
        assertArrayEquals(original.toBytes(), copy.toBytes());
    }

    @Test
    void serialisedFormIsCompact() {
        PosDictionary d = new PosDictionary(5000, 1);
        int wordBytes = 0;
        for (int i = 0; i < 3000; i++) {
            d.observe(NOUN, word(i));
            wordBytes += word(i).length();
        }
        int overhead = d.toBytes().length - wordBytes;
        assertTrue(overhead <= 2 * 3000 + 64, "two bytes or less per word beyond its letters, was " + overhead);
    }

    @Test
    void rejectsCorruptBytes() {
        byte[] good = streamInto(new PosDictionary(30, 7)).toBytes();
        assertThrows(IllegalArgumentException.class, () -> PosDictionary.fromBytes(new byte[] {'X', 'Y', 1}));
        assertThrows(IllegalArgumentException.class, () -> PosDictionary.fromBytes(Arrays.copyOf(good, good.length - 3)));
        assertThrows(IllegalArgumentException.class, () -> PosDictionary.fromBytes(Arrays.copyOf(good, good.length + 1)));
        byte[] future = good.clone();
        future[2] = 9;
        assertThrows(IllegalArgumentException.class, () -> PosDictionary.fromBytes(future));
    }

    @Test
    void mergeAddsCountsUnitesWordsAndLeavesItsInputsAlone() {
        PosDictionary a = new PosDictionary(10, 1);
        observe(a, NOUN, "cat", 2);
        observe(a, NOUN, "dog", 1);
        observe(a, "VERB", "run", 1);
        PosDictionary b = new PosDictionary(10, 2);
        observe(b, NOUN, "dog", 4);
        observe(b, NOUN, "fish", 1);
        observe(b, "ADJ", "happy", 2);
        byte[] aBefore = a.toBytes();
        byte[] bBefore = b.toBytes();

        PosDictionary merged = a.merge(b);

        assertEquals(2, merged.count(NOUN, "cat"));
        assertEquals(5, merged.count(NOUN, "dog"));
        assertEquals(1, merged.count(NOUN, "fish"));
        assertEquals(1, merged.count("VERB", "run"));
        assertEquals(2, merged.count("ADJ", "happy"));
        assertArrayEquals(aBefore, a.toBytes());
        assertArrayEquals(bBefore, b.toBytes());
    }

    @Test
    void mergeKeepsTheMostFrequentWordsWithinTheBound() {
        PosDictionary a = new PosDictionary(2, 1);
        observe(a, NOUN, "cat", 2);
        observe(a, NOUN, "dog", 1);
        PosDictionary b = new PosDictionary(2, 1);
        observe(b, NOUN, "dog", 4);
        observe(b, NOUN, "fish", 1);
        PosDictionary merged = a.merge(b);
        assertEquals(List.of("cat", "dog"), merged.words(NOUN));
        assertEquals(5, merged.count(NOUN, "dog"));
        assertFalse(merged.contains(NOUN, "fish"));
    }

    @Test
    void mergeIsDeterministic() {
        List<PosDictionary> parts = new ArrayList<>();
        for (int seed = 0; seed < 2; seed++) {
            parts.add(streamInto(new PosDictionary(30, seed)));
        }
        assertArrayEquals(parts.get(0).merge(parts.get(1)).toBytes(), parts.get(0).merge(parts.get(1)).toBytes());
    }

    @Test
    void rejectsInvalidBounds() {
        assertThrows(IllegalArgumentException.class, () -> new PosDictionary(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new PosDictionary(10, 1, 1));
    }
}
