package io.distillery.augmenter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WordFilterTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "I", "phone", "don't", "well-known", "rock'n'roll", "caf\u00E9", "na\u0131ve",
            "\u0645\u0631\u062D\u0628\u0627", "\u05E9\u05B8\u05C1\u05DC\u05D5\u05B9\u05DD", "soo", "Paris"})
    void acceptsWords(String word) {
        assertTrue(WordFilter.isWordLike(word), word);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "<url>", "<user>", "<email>", "#blessed", "@john", "\uD83D\uDE02", ":)", "2020",
            "mp3", "a1b2", "3rd", "$$$", "--", "x_x", "'tis", "rock-", "a--b", "don''t", "hahaha", "lololol",
            "xoxoxo", "aaa", "[MASK]", "u.s.", "p\u0430ypal", "abcdefghijklmnopqrstuvwxy", "two words"})
    void rejectsPlaceholdersNumbersGarbageAndMixedScripts(String word) {
        assertFalse(WordFilter.isWordLike(word), word);
    }
}
