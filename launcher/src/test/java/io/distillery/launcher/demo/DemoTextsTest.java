package io.distillery.launcher.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void theBundledSentencesComeWithoutLabelsAndWithStableIds() {
        List<String> notes = new ArrayList<>();
        List<DemoTexts.Text> texts = DemoTexts.load(List.of("uci"), Path.of("target"), notes::add);
        assertEquals(3000, texts.size());
        assertEquals("uci-0", texts.get(0).id());
        assertEquals("uci", texts.get(0).source());
        assertTrue(notes.get(0).contains("3000 texts"), notes.toString());
    }

    @Test
    void anUnknownSourceIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemoTexts.load(List.of("imdb"), Path.of("target"), s -> { }));
        assertTrue(e.getMessage().contains("unknown text source 'imdb'"), e.getMessage());
    }
}
