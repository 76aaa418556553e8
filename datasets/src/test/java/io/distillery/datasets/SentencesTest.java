package io.distillery.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SentencesTest {

    @Test
    void splitsAtLineBreaksAndCollapsesSpaces() {
        assertEquals(List.of("films adapted from comic books .", "for starters , it was created by alan moore ."),
                Sentences.split("films  adapted from comic books . \nfor starters , it was created by alan moore . \n\n"));
    }

    @Test
    void splitsRunningTextBeforeCapitalsDigitsAndQuotes() {
        assertEquals(List.of("Great film!", "I loved it.", "10 out of 10?", "\"Yes,\" she said."),
                Sentences.split("Great film! I loved it. 10 out of 10? \"Yes,\" she said."));
    }

    @Test
    void keepsLowerCaseContinuationsWhole() {
        // abbreviations and Pang & Lee's spaced initials are not sentence ends
        assertEquals(List.of("peter jackson's vision of j . r . r . tolkien's middle-earth .", "It costs approx. three dollars."),
                Sentences.split("peter jackson's vision of j . r . r . tolkien's middle-earth .\nIt costs approx. three dollars."));
    }

    @Test
    void dedupKeepsTheFirstOccurrenceIgnoringCaseAndSpacing() {
        assertEquals(List.of("A fine film .", "another one"),
                Sentences.dedup(List.of("A fine film .", "another one", "a  fine FILM .", "another one")));
    }

    @Test
    void countsWhitespaceTokens() {
        assertEquals(0, Sentences.tokenCount("   "));
        assertEquals(4, Sentences.tokenCount(" it was  good . "));
    }
}
