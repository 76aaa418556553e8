package io.distillery.augmenter;

import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.UciSentiment;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PosTaggerTest {

    private static final PosTagger TAGGER = PosTagger.english();
    private static List<String[]> corpus;

    @BeforeAll
    static void tokeniseCorpus() {
        TextNormalizer normalizer = new TextNormalizer(2000, 512);
        corpus = new ArrayList<>();
        for (String text : UciSentiment.all().stream().map(LabelledSentence::text).toList()) {
            corpus.add(normalizer.normalize(text).stream().map(Token::text).toArray(String[]::new));
        }
    }

    @Test
    void givesUniversalTags() {
        assertArrayEquals(new String[] {"DET", "NOUN", "VERB", "ADP", "DET", "NOUN", "PUNCT"},
                TAGGER.tag(new String[] {"The", "cat", "sleeps", "on", "the", "mat", "."}));
    }

    @Test
    void tagsContractionsAsOneTokenWithACombinedTag() {
        String[] tags = TAGGER.tag(new String[] {"I", "don't", "like", "it"});
        assertEquals("AUX+PART", tags[1]);
    }

    @Test
    void emptyInputGivesNoTags() {
        assertEquals(0, TAGGER.tag(new String[0]).length);
    }

    @Test
    void greedyDecodingGivesTheBeamSearchTagsOnTheWholeCorpus() {
        PosTagger beam3 = OpenNlpPosTagger.english(3); // the model's own setting, through POSTaggerME
        int tokens = 0;
        for (String[] sentence : corpus) {
            assertArrayEquals(beam3.tag(sentence), TAGGER.tag(sentence), () -> String.join(" ", sentence));
            tokens += sentence.length;
        }
        assertTrue(tokens > 40_000, "the whole UCI corpus was compared: " + tokens + " tokens");
    }

    @Test
    void concurrentTaggingGivesTheSameTagsAsSequential() throws Exception {
        List<String[]> sample = corpus.subList(0, 600);
        List<String[]> expected = sample.stream().map(TAGGER::tag).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String[]>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> sample.stream().map(TAGGER::tag).toList()));
            }
            for (Future<List<String[]>> result : results) {
                List<String[]> actual = result.get();
                for (int i = 0; i < sample.size(); i++) {
                    assertArrayEquals(expected.get(i), actual.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void constantTaggerTagsEverything() {
        assertArrayEquals(new String[] {"X", "X"}, PosTagger.constant("X").tag(new String[] {"a", "b"}));
    }
}
