package io.distillery.launcher.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.datasets.Split;
import io.distillery.datasets.UciSentiment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoTextsTest {

    private static List<DemoTexts.Text> texts(String source, int count) {
        List<DemoTexts.Text> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add(new DemoTexts.Text(source + "-" + i, source, source + " text " + i));
        }
        return texts;
    }

    private static List<String> draws(DemoTexts.Mix mix, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            DemoTexts.Draw draw = mix.next();
            out.add(draw.text().id() + "/" + draw.lap());
        }
        return out;
    }

    @Test
    void everyStretchOfTheStreamHoldsEachSourceByItsShare() {
        Map<String, List<DemoTexts.Text>> loaded = new LinkedHashMap<>();
        loaded.put("a", texts("a", 2));
        loaded.put("b", texts("b", 10));
        DemoTexts.Mix mix = new DemoTexts.Mix(loaded, DemoTexts.parseShares("b=2"));
        assertEquals(List.of("b-0/0", "a-0/0", "b-1/0", "b-2/0", "a-1/0", "b-3/0", "b-4/0", "a-0/1", "b-5/0"), draws(mix, 9),
                "a (share 1 by default) one text in three, b two; a starts its second lap when used up");
    }

    @Test
    void shareZeroLeavesASourceOut() {
        Map<String, List<DemoTexts.Text>> loaded = new LinkedHashMap<>();
        loaded.put("a", texts("a", 2));
        loaded.put("b", texts("b", 2));
        assertEquals(List.of("b-0/0", "b-1/0", "b-0/1"), draws(new DemoTexts.Mix(loaded, Map.of("a", 0.0)), 3));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new DemoTexts.Mix(loaded, Map.of("a", 0.0, "b", 0.0)));
        assertTrue(none.getMessage().contains("share 0"), none.getMessage());
    }

    @Test
    void badSharesAreNamed() {
        assertEquals(Map.of("uci", 1.0, "reviews", 6.5), DemoTexts.parseShares(" uci = 1 , reviews=6.5"));
        assertEquals(Map.of(), DemoTexts.parseShares(" "));
        for (String bad : List.of("uci", "uci=x", "uci=-1", "=2", "uci=NaN")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DemoTexts.parseShares(bad));
            assertTrue(e.getMessage().contains("share"), bad + ": " + e.getMessage());
        }
        Map<String, List<DemoTexts.Text>> loaded = Map.of("a", texts("a", 1));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new DemoTexts.Mix(loaded, Map.of("imdb", 1.0)));
        assertTrue(unknown.getMessage().contains("unknown text source 'imdb'"), unknown.getMessage());
    }

    @Test
    void theBundledTrainingSentencesComeWithoutLabelsAndWithStableIds() {
        List<String> notes = new ArrayList<>();
        List<DemoTexts.Text> texts = DemoTexts.load(List.of("uci"), Path.of("target"), notes::add).get("uci");
        int train = UciSentiment.split(Split.TRAIN).size();
        assertEquals(train, texts.size());
        assertEquals("uci-0", texts.get(0).id());
        assertEquals("uci", texts.get(0).source());
        assertTrue(notes.get(0).contains(train + " texts"), notes.toString());
    }

    @Test
    void noDevOrTestSentenceIsStreamed() {
        // serving promotes on DEV and the quality bench reports TEST: a student that saw them would score too high.
        List<DemoTexts.Text> texts = DemoTexts.load(List.of("uci"), Path.of("target"), s -> { }).get("uci");
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
