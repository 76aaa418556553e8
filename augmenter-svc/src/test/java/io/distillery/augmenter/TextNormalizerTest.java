package io.distillery.augmenter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextNormalizerTest {

    private final TextNormalizer normalizer = new TextNormalizer(2000, 512);

    /** Tokens joined by " | " so that the expected value shows the token boundaries. */
    private String tokens(String text) {
        return normalizer.normalize(text).stream().map(Token::text).collect(Collectors.joining(" | "));
    }

    private List<TokenKind> kinds(String text) {
        return normalizer.normalize(text).stream().map(Token::kind).toList();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '~', value = {
            "see https://t.co/AbC123 now ~ see | <url> | now",
            "see http://example.com/a?b=1&c=2. ~ see | <url> | .",
            "(https://en.wikipedia.org/wiki/Foo_(bar)) ok ~ ( | <url> | ) | ok",
            "go www.example.org/page, then ~ go | <url> | , | then",
            "try bit.ly/x1 and google.com! ~ try | <url> | and | <url> | !",
            "HTTPS://SHOUTING.COM ~ <url>",
            "link:https://x.io/a ~ link | : | <url>",
            "mail me@example.co.uk today ~ mail | <email> | today"})
    void urlsAndEmailsBecomePlaceholders(String text, String expected) {
        assertEquals(expected, tokens(text));
    }

    @Test
    void sentenceGlitchesAreNotMistakenForDomains() {
        assertEquals("45 | minutes | . | MAJOR | PROBLEMS | !!", tokens("45 minutes.MAJOR PROBLEMS!!"));
        assertEquals("I | loved | it | . | it | was", tokens("I loved it.it was"));
    }

    @Test
    void mentionsBecomeUserAndHashtagsStayWhole() {
        assertEquals("<user> | thanks | #BlessedDay | #2020vision", tokens("@John_Doe99 thanks #BlessedDay #2020vision"));
        assertEquals(List.of(TokenKind.USER, TokenKind.WORD, TokenKind.HASHTAG, TokenKind.HASHTAG),
                kinds("@John_Doe99 thanks #BlessedDay #2020vision"));
        assertEquals("# | 1 | fan", tokens("#1 fan"), "a number sign is not a hashtag");
        assertEquals("a | @ | b", tokens("a @ b"), "a lone @ is punctuation");
    }

    @Test
    void emojiAreSingleTokensWholeSequencesIncluded() {
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"; // man ZWJ woman ZWJ girl
        String thumbsMediumSkin = "\uD83D\uDC4D\uD83C\uDFFD";
        String flagFr = "\uD83C\uDDEB\uD83C\uDDF7";
        String keycapOne = "1\uFE0F\u20E3";
        String heart = "\u2764\uFE0F";
        String text = "love " + family + thumbsMediumSkin + flagFr + keycapOne + heart + "!";
        assertEquals("love | " + family + " | " + thumbsMediumSkin + " | " + flagFr + " | " + keycapOne + " | "
                + heart + " | !", tokens(text));
        assertEquals(List.of(TokenKind.WORD, TokenKind.EMOJI, TokenKind.EMOJI, TokenKind.EMOJI, TokenKind.EMOJI,
                TokenKind.EMOJI, TokenKind.PUNCT), kinds(text));
    }

    @Test
    void emoticonsAreSingleTokensButOnlyStandingAlone() {
        assertEquals("great | :) | see | you | <3 | :-( | xD", tokens("great :) see you <3 :-( xD"));
        assertEquals(TokenKind.EMOTICON, kinds("ok :D").get(1));
        assertEquals("Note | : | Do", tokens("Note:Do"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '~', value = {
            "Sooooo goooood ~ Soo | good",
            "yessss!!!!! ~ yess | !!",
            "wait.... what?? ~ wait | ... | what | ??",
            "\uD83D\uDE02\uD83D\uDE02\uD83D\uDE02\uD83D\uDE02 lol ~ \uD83D\uDE02 | \uD83D\uDE02 | lol",
            "1000000 dollars ~ 1000000 | dollars",
            "#sooooo ~ #soo"})
    void repeatsAreSqueezedToTwoButDigitsAreNot(String text, String expected) {
        assertEquals(expected, tokens(text));
    }

    @Test
    void whitespaceCollapsesAndEntitiesDecode() {
        assertEquals("a | b | c", tokens("  a \t\n b\u00A0\u00A0c  "));
        assertEquals("fish | & | chips | <3 | it's | \" | ok | \"", tokens("fish &amp; chips &lt;3 it&#39;s &quot;ok&quot;"));
        assertEquals("\uD83D\uDE00", tokens("&#x1F600;"));
        assertEquals("AT | & | T | & | bogus | ;", tokens("AT&T &bogus;"), "unknown entities stay as typed");
    }

    @Test
    void typographicQuotesAndEllipsisBecomeAscii() {
        assertEquals("I | don't | \" | like | \" | it | ...", tokens("I don\u2019t \u201Clike\u201D it\u2026"));
    }

    @Test
    void wordsKeepContractionsHyphensAbbreviationsAndNumbers() {
        assertEquals("I'm | well-known | in | the | U.S. | , | e.g. | 1,000 | or | 3.5 | at | 10:30pm",
                tokens("I'm well-known in the U.S., e.g. 1,000 or 3.5 at 10:30pm"));
        assertEquals(List.of(TokenKind.WORD, TokenKind.NUMBER, TokenKind.NUMBER), kinds("covid-19 2,500 42"));
    }

    @Test
    void rightToLeftTextTokenisesAndDropsDirectionMarks() {
        assertEquals("\u0645\u0631\u062D\u0628\u0627 | \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
                tokens("\u200F\u0645\u0631\u062D\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645\u200E"));
        String shalomWithPoints = "\u05E9\u05B8\u05C1\u05DC\u05D5\u05B9\u05DD"; // marks stay inside the word
        assertEquals(shalomWithPoints + " | !", tokens(shalomWithPoints + "!"));
        assertEquals(List.of(TokenKind.WORD, TokenKind.PUNCT), kinds(shalomWithPoints + "!"));
    }

    @Test
    void emptyBlankAndNullGiveNoTokens() {
        assertTrue(normalizer.normalize(null).isEmpty());
        assertTrue(normalizer.normalize("").isEmpty());
        assertTrue(normalizer.normalize(" \t\n\u200B\u00A0").isEmpty());
    }

    @Test
    void typedPlaceholdersAndMaskTokensAreNotSpecial() {
        // Only the normaliser makes placeholders; text that spells one is split like any other.
        assertEquals("< | url | > | [ | MASK | ]", tokens("<url> [MASK]"));
    }

    @Test
    void boundsTextAndTokenCounts() {
        TextNormalizer small = new TextNormalizer(100, 3);
        assertEquals(List.of("one", "two", "three"),
                small.normalize("one two three four").stream().map(Token::text).toList());
        TextNormalizer shortText = new TextNormalizer(10, 100);
        assertEquals(List.of("one", "two"), shortText.normalize("one two threefour").stream().map(Token::text).toList(),
                "cut at a space, not through a word");
        assertTrue(TextNormalizer.squeezeLetters("aaa\uD83D\uDE00").equals("aa\uD83D\uDE00"));
    }
}
