package io.distillery.augmenter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AugmenterSettingsTest {

    @Test
    void defaultsAreThePapers() {
        AugmenterSettings s = AugmenterSettings.defaults();
        assertEquals(0.1, s.pMask());
        assertEquals(0.1, s.pPos());
        assertEquals(0.25, s.pNgram());
        assertEquals(5, s.maxNgram());
        assertEquals(20, s.nIter());
        assertEquals("[MASK]", s.maskToken());
        assertEquals(NgramMode.SAMPLE, s.ngramMode());
        assertEquals(2000, s.maxTextChars());
        assertEquals(200, s.maxAttempts(), "ten draws per wanted variant");
        assertTrue(s.lowercase());
    }

    @Test
    void builderRoundTrips() {
        AugmenterSettings s = AugmenterSettings.builder().pMask(0.2).nIter(7).ngramMode(NgramMode.MASK)
                .maskToken("<mask>").maxAttempts(99).lowercase(false).posWordsPerTag(3).build();
        assertEquals(s, s.toBuilder().build());
        assertEquals(70, AugmenterSettings.builder().nIter(7).build().maxAttempts(), "attempts follow n_iter");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.pMask(-0.1), "p_mask"),
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.pMask(1.5), "p_mask"),
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.pMask(Double.NaN), "p_mask"),
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.pPos(2), "p_pos"),
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.pNgram(-1), "p_ng"),
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.pMask(0.6).pPos(0.6), "p_mask + p_pos"),
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.maxNgram(0), "max_ngram"),
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.nIter(-1), "n_iter"),
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.ngramMode(null), "ngram mode"),
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.maxTextChars(0), "max_text_chars"),
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.maxTokens(0), "max_tokens"),
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.nIter(20).maxAttempts(19), "max_attempts"),
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.posWordsPerTag(0), "pos_words_per_tag"),
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.maskToken(null), "mask token"),
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.maskToken(" "), "mask token"),
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.nIterBySource(Map.of("uci", -1)), "n_iter of source uci"),
                Arguments.of((UnaryOperator<AugmenterSettings.Builder>) b -> b.nIterBySource(Map.of(" ", 3)), "source name"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void rejectsOutOfRangeValuesNamingTheSetting(UnaryOperator<AugmenterSettings.Builder> change, String named) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> change.apply(AugmenterSettings.builder()).build());
        assertTrue(e.getMessage().contains(named), () -> "message should name " + named + ": " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"MASK", "mask", "<url>", "<user>", "[ MASK ]", "a\tb"})
    void rejectsMaskTokensThatCouldPassForText(String mask) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AugmenterSettings.builder().maskToken(mask).build());
        assertTrue(e.getMessage().contains("mask token"), e.getMessage());
    }

    @Test
    void acceptsBracketedMaskTokensAndBoundaryProbabilities() {
        AugmenterSettings.builder().maskToken("<mask>").build();
        AugmenterSettings.builder().maskToken("<unk>").build();
        AugmenterSettings.builder().pMask(0).pPos(1).pNgram(1).build();
        AugmenterSettings.builder().pMask(0.5).pPos(0.5).build();
        AugmenterSettings.builder().nIter(0).maxAttempts(0).build();
    }

    @Test
    void namedSourcesTakeTheirOwnNIterAndProportionalAttempts() {
        AugmenterSettings s = AugmenterSettings.builder().nIter(1)
                .nIterBySource(AugmenterSettings.parseNIterBySource(" uci = 15 ,tweets=0")).build();
        assertEquals(Map.of("uci", 15, "tweets", 0), s.nIterBySource());
        assertEquals(15, s.nIterFor("uci"));
        assertEquals(0, s.nIterFor("tweets"));
        assertEquals(1, s.nIterFor("reviews"));
        assertEquals(1, s.nIterFor(null));
        assertEquals(10, s.maxAttemptsFor("reviews"));
        assertEquals(150, s.maxAttemptsFor("uci"), "ten draws per wanted variant, as for n_iter");
        assertEquals(10, s.maxAttemptsFor("tweets"));
        assertEquals(s, s.toBuilder().build());
    }

    @Test
    void noPairsIsNoOverride() {
        assertEquals(Map.of(), AugmenterSettings.parseNIterBySource(""));
        assertEquals(Map.of(), AugmenterSettings.parseNIterBySource(null));
        assertEquals(Map.of(), AugmenterSettings.defaults().nIterBySource());
    }

    @ParameterizedTest
    @ValueSource(strings = {"uci", "uci=", "=3", "uci=three", "uci=1=2", "uci=2,uci=3"})
    void malformedPairsAreRefusedSayingWhy(String pairs) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AugmenterSettings.parseNIterBySource(pairs));
        assertTrue(e.getMessage().contains("n_iter"), e.getMessage());
    }
}
