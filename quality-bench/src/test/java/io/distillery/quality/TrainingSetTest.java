package io.distillery.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingSetTest {

    @Test
    void distilledSetsGrowInOrderKeepingEachTextsLogits() {
        TrainingSet base = TrainingSet.distilled("train", List.of("a", "b"), new float[][] {{1, 0}, {0, 1}});
        TrainingSet grown = base.plus("train+more", List.of("c"), new float[][] {{2, 2}});
        assertEquals(List.of("a", "b", "c"), grown.texts());
        assertArrayEquals(new float[] {2, 2}, grown.teacher()[2]);
        assertEquals(2, base.size());
    }

    @Test
    void targetsMustMatchTheTextsAndBeOfOneKind() {
        assertThrows(IllegalArgumentException.class, () -> TrainingSet.gold("g", List.of("a"), new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> new TrainingSet("x", List.of("a"), new float[][] {{1, 0}}, new int[] {0}));
        assertThrows(IllegalStateException.class,
                () -> TrainingSet.gold("g", List.of("a"), new int[] {0}).plus("n", List.of("b"), new float[][] {{0, 1}}));
    }
}
