package io.distillery.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PoolingTest {

    // batch 2, tokens 3, hidden 2; row 1's last token is padding.
    private final float[] hidden = {
        1, 2, 3, 4, 5, 6,
        10, 20, 30, 40, 999, 999};
    private final long[][] mask = {{1, 1, 1}, {1, 1, 0}};

    @Test
    void meanAveragesOnlyRealTokens() {
        float[][] pooled = Pooling.MEAN.pool(hidden, 2, 3, 2, mask);
        assertArrayEquals(new float[] {3, 4}, pooled[0], 1e-6f);
        assertArrayEquals(new float[] {20, 30}, pooled[1], 1e-6f);
    }

    @Test
    void clsTakesTheFirstToken() {
        float[][] pooled = Pooling.CLS.pool(hidden, 2, 3, 2, mask);
        assertArrayEquals(new float[] {1, 2}, pooled[0]);
        assertArrayEquals(new float[] {10, 20}, pooled[1]);
    }

    @Test
    void manifestNamesParse() {
        assertEquals(Pooling.NONE, Pooling.fromManifest(" None "));
        assertEquals(TeacherEngine.TORCHSCRIPT, TeacherEngine.fromManifest("torchscript"));
    }
}
