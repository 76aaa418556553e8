package io.distillery.teacher.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class RememberingLabelerTest {

    /** A stand-in teacher: logits from the text's length and first letter, and a record of every text it was asked. */
    private static final class CountingTeacher implements Labeler {
        final List<String> asked = new ArrayList<>();
        boolean failNext;

        @Override
        public List<float[]> label(List<String> texts) {
            if (failNext) {
                failNext = false;
                throw new IllegalStateException("teacher down");
            }
            asked.addAll(texts);
            return texts.stream().map(t -> new float[] {t.length(), t.isEmpty() ? 0 : t.charAt(0)}).toList();
        }
    }

    /** Like an uncased word-piece tokenizer: case and spaces before punctuation do not change the ids. */
    private static int[] ids(String text) {
        return text.toLowerCase(Locale.ROOT).replace(" !", "!").chars().toArray();
    }

    @Test
    void anInputTheTeacherLabelledIsAnsweredAgainWithoutACall() throws Exception {
        CountingTeacher teacher = new CountingTeacher();
        RememberingLabeler labeler = new RememberingLabeler(teacher, RememberingLabelerTest::ids, 10);
        List<float[]> first = labeler.label(List.of("Great food!", "awful"));
        List<float[]> again = labeler.label(List.of("great food !", "new text"));
        assertEquals(List.of("Great food!", "awful", "new text"), teacher.asked, "the escalated form of 'Great food!' was not asked");
        assertArrayEquals(first.get(0), again.get(0), "the kept logits, exactly");
        assertArrayEquals(new float[] {8, 'n'}, again.get(1));
        assertEquals(1, labeler.remembered());
    }

    @Test
    void aBatchThatRepeatsAnInputAsksForItOnceAndEveryPositionGetsItsOwnCopy() throws Exception {
        CountingTeacher teacher = new CountingTeacher();
        RememberingLabeler labeler = new RememberingLabeler(teacher, RememberingLabelerTest::ids, 10);
        List<float[]> logits = labeler.label(List.of("a b", "c", "A B"));
        assertEquals(List.of("a b", "c"), teacher.asked);
        assertEquals(3, logits.size());
        assertArrayEquals(logits.get(0), logits.get(2));
        assertNotSame(logits.get(0), logits.get(2), "a caller changing one answer must not change another");
        logits.get(0)[0] = -1;
        assertEquals(3, labeler.label(List.of("a b")).get(0)[0], "nor the kept one");
        assertEquals(2, labeler.remembered());
    }

    @Test
    void theLeastRecentlyUsedInputIsDroppedFirst() throws Exception {
        CountingTeacher teacher = new CountingTeacher();
        RememberingLabeler labeler = new RememberingLabeler(teacher, RememberingLabelerTest::ids, 2);
        labeler.label(List.of("one", "two"));
        labeler.label(List.of("one"));   // used: "two" is now the eldest
        labeler.label(List.of("three")); // drops "two"
        labeler.label(List.of("one", "two"));
        assertEquals(List.of("one", "two", "three", "two"), teacher.asked);
    }

    @Test
    void aFailedCallKeepsNothingAndFailsTheBatch() throws Exception {
        CountingTeacher teacher = new CountingTeacher();
        RememberingLabeler labeler = new RememberingLabeler(teacher, RememberingLabelerTest::ids, 10);
        teacher.failNext = true;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> labeler.label(List.of("x")));
        assertEquals("teacher down", e.getMessage());
        labeler.label(List.of("x"));
        assertEquals(List.of("x"), teacher.asked, "asked again after the failure");
        assertEquals(0, labeler.remembered());
    }

    @Test
    void aTeacherThatAnswersTheWrongNumberOfTextsIsAnError() {
        Labeler short1 = texts -> List.of();
        RememberingLabeler labeler = new RememberingLabeler(short1, RememberingLabelerTest::ids, 10);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> labeler.label(List.of("x")));
        assertEquals("the teacher returned 0 results for 1 texts", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RememberingLabeler(short1, RememberingLabelerTest::ids, 0));
    }

    @Test
    void anEmptyBatchAsksNothing() throws Exception {
        CountingTeacher teacher = new CountingTeacher();
        assertEquals(0, new RememberingLabeler(teacher, RememberingLabelerTest::ids, 1).label(List.of()).size());
        assertEquals(List.of(), teacher.asked);
    }
}
