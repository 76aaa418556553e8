package io.distillery.launcher.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoTextsTest {

    @Test
    void sourcesAreInterleavedRoundRobinUntilAllAreUsedUp() {
        assertEquals(List.of("a1", "b1", "a2", "b2", "a3"),
                DemoTexts.interleave(List.of(List.of("a1", "a2", "a3"), List.of("b1", "b2"))));
    }

    @Test
    void theBundledTrainingSentencesComeWithoutLabelsAndWithStableIds() {
        List<String> notes = new ArrayList<>();
        List<DemoTexts.Text> texts = DemoTexts.load(List.of("uci"), Path.of("target"), notes::add);
        int train = UciSentiment.split(Split.TRAIN).size();
        assertEquals(train, texts.size());
        assertEquals("uci-0", texts.get(0).id());
        assertEquals("uci", texts.get(0).source());
        assertTrue(notes.get(0).contains(train + " texts"), notes.toString());
    }

    @Test
    void noDevOrTestSentenceIsStreamed() {
        // serving promotes on DEV and the quality bench reports TEST: a student that saw them would score too high.
        List<DemoTexts.Text> texts = DemoTexts.load(List.of("uci"), Path.of("target"), s -> { });
        assertTrue(texts.stream().allMatch(t -> UciSentiment.splitOf(t.text()) == Split.TRAIN));
        assertTrue(texts.size() > 1900 && texts.size() < 2300, texts.size() + " training sentences of 3000");
    }

    @Test
    void anUnknownSourceIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemoTexts.load(List.of("imdb"), Path.of("target"), s -> { }));
        assertTrue(e.getMessage().contains("unknown text source 'imdb'"), e.getMessage());
    }
}
