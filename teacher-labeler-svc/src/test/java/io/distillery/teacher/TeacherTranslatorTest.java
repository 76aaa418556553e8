package io.distillery.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.distillery.teacher.fit.PretrainedEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokenization and padding as the model sees them, with MiniLM's real tokenizer.json. */
class TeacherTranslatorTest {

    private static final int MAX_LENGTH = 16;
    private static final long CLS = 101;
    private static final long SEP = 102;

    @TempDir
    static Path encoder;
    private static HuggingFaceTokenizer tokenizer;
    private static TeacherTranslator translator;

    @BeforeAll
    static void load() throws IOException {
        PretrainedEncoder.MINILM_L6_Q.copyTo(encoder);
        // This tokenizer.json asks for fixed padding to 128; the translator must pad per batch instead.
        tokenizer = TeacherTranslator.tokenizer(encoder.resolve(PretrainedEncoder.TOKENIZER_FILE), MAX_LENGTH);
        translator = new TeacherTranslator(tokenizer, TestBundles.ENCODER_INPUTS, Pooling.MEAN, null);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void raggedBatchIsPaddedToItsLongestText() {
        TokenBatch batch = translator.tokenize(List.of("good", "not good at all", "bad"));

        assertEquals(3, batch.size());
        assertEquals(6, batch.length(), "[CLS] not good at all [SEP]");
        assertArrayEquals(new long[] {1, 1, 1, 0, 0, 0}, batch.attentionMask()[0]);
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1}, batch.attentionMask()[1]);
        assertEquals(CLS, batch.inputIds()[0][0]);
        assertEquals(SEP, batch.inputIds()[0][2]);
        assertArrayEquals(new long[] {0, 0, 0}, Arrays.copyOfRange(batch.inputIds()[0], 3, 6), "pad id 0");
    }

    @Test
    void longTextIsTruncatedToMaxLength() {
        String longText = "this film is wonderful and ".repeat(200);

        TokenBatch batch = translator.tokenize(List.of(longText, "ok"));

        assertEquals(MAX_LENGTH, batch.length());
        assertEquals(CLS, batch.inputIds()[0][0]);
        assertEquals(SEP, batch.inputIds()[0][MAX_LENGTH - 1], "truncation keeps the closing [SEP]");
    }

    @Test
    void emptyAndNullTextBecomeJustTheSpecialTokens() {
        TokenBatch batch = translator.tokenize(Arrays.asList("", null, "   "));

        assertEquals(2, batch.length());
        for (long[] row : batch.inputIds()) {
            assertArrayEquals(new long[] {CLS, SEP}, row);
        }
    }

    @Test
    void singleTextIsNotPaddedToTheFilesFixedLength() {
        assertEquals(4, translator.tokenize(List.of("great phone")).length());
    }

    @Test
    void tokenIdsAreWhatTheModelSeesAndIgnoreCaseAndSpacingAroundPunctuation() {
        // RememberingLabeler keys on these: a raw text and the augmenter's normalised original of it
        // (tokens joined by single spaces) must be one input to this uncased tokenizer.
        int[] raw = translator.tokenIds("Great phone, would buy again!");
        assertArrayEquals(raw, translator.tokenIds("great phone , would buy again !"));
        assertArrayEquals(Arrays.stream(translator.tokenize(List.of("Great phone, would buy again!")).inputIds()[0])
                .mapToInt(Math::toIntExact).toArray(), raw);
        assertEquals(MAX_LENGTH, translator.tokenIds("this film is wonderful and ".repeat(200)).length, "truncated");
        assertArrayEquals(new int[] {(int) CLS, (int) SEP}, translator.tokenIds(null));
    }
}
