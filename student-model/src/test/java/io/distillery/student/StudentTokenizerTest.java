package io.distillery.student;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StudentTokenizerTest {

    private final StudentTokenizer tokenizer = TestTokenizers.miniLm();

    @Test
    void referenceIsNameAndSha256OfTheFile() {
        assertEquals("minilm-l6-q", tokenizer.reference().name());
        assertEquals(Hashing.sha256Hex(TestTokenizers.miniLmBytes()), tokenizer.reference().sha256());
        assertEquals(30522, tokenizer.vocabSize());
        assertEquals(0, tokenizer.padId());
    }

    @Test
    void idsCarryTheSpecialTokens() {
        long[] ids = tokenizer.ids("Great food!", 64);
        assertEquals(101, ids[0]); // [CLS]
        assertEquals(102, ids[ids.length - 1]); // [SEP]
        assertEquals(5, ids.length); // [CLS] great food ! [SEP]
    }

    @Test
    void padsToTheLongestRowAndTruncatesKeepingSep() {
        TokenBatch batch = tokenizer.encode(List.of("ok", "this one is a much longer sentence than the first", ""), 6);
        assertEquals(3, batch.size());
        assertEquals(6, batch.length());
        assertArrayEquals(new int[] {3, 6, 2}, batch.lengths());
        assertEquals(102, batch.ids()[1][5]);
        assertArrayEquals(new long[] {1, 1, 1, 0, 0, 0}, batch.mask()[0]);
        assertEquals(0, batch.ids()[0][4]);
        assertEquals(Arrays.toString(new long[] {101, 102, 0, 0, 0, 0}), Arrays.toString(batch.ids()[2]));
    }
}
