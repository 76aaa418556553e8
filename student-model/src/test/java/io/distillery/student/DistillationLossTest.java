package io.distillery.student;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hand-computed values (see the comments), the pure-Java reference, and the DJL version against both. */
class DistillationLossTest {

    private static final float[] S = {1f, 2f};
    private static final float[] T = {3f, 0f};
    /** ((1−3)² + (2−0)²) / 2 */
    private static final double MSE = 4.0;
    /** −log(e²/(e¹+e²)) = log(1 + e⁻¹) */
    private static final double CE_GOLD1 = Math.log(1 + Math.exp(-1));
    /** 2²·Σ p·(log p − log q), p = softmax([1.5, 0]), q = softmax([0.5, 1]) */
    private static final double KL_T2 = 1.6312506343385662;

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager(Device.cpu(), Student.ENGINE);
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    @Test
    void referenceMatchesHandComputedValues() {
        assertEquals(MSE, ReferenceLosses.mse(S, T), 1e-12);
        assertEquals(0.31326168751822303, CE_GOLD1, 1e-12);
        assertEquals(CE_GOLD1, ReferenceLosses.crossEntropy(S, 1), 1e-9);
        // KL at T=2 by hand: p = [0.8175745, 0.1824255], log p − log q = [0.7726637, −1.2273363]
        double byHand = 4 * (0.8175745 * 0.7726637 + 0.1824255 * -1.2273363);
        assertEquals(byHand, KL_T2, 1e-6);
        assertEquals(KL_T2, ReferenceLosses.kl(S, T, 2), 1e-9);
        assertEquals(0, ReferenceLosses.kl(T, T, 3), 1e-12);
        assertEquals(0.7 * CE_GOLD1 + 0.3 * KL_T2,
                ReferenceLosses.example(DistillationLoss.Kind.KL, 2, 0.3, S, T, 1), 1e-9);
        assertEquals(KL_T2, ReferenceLosses.example(DistillationLoss.Kind.KL, 2, 0.3, S, T, -1), 1e-9);
    }

    @Test
    void djlMatchesHandComputedValues() {
        NDArray s = manager.create(S, new Shape(1, 2));
        NDArray t = manager.create(T, new Shape(1, 2));
        NDArray gold = manager.create(new long[] {1});
        assertEquals(MSE, DistillationLoss.tang().evaluate(s, t, gold).getFloat(), 1e-5);
        assertEquals(KL_T2, new DistillationLoss(DistillationLoss.Kind.KL, 2f, 1f).evaluate(s, t, null).getFloat(), 1e-5);
        assertEquals(CE_GOLD1, DistillationLoss.hinton(2f, 0f).evaluate(s, t, gold).getFloat(), 1e-5);
        assertEquals(0.7 * CE_GOLD1 + 0.3 * KL_T2, DistillationLoss.hinton(2f, 0.3f).evaluate(s, t, gold).getFloat(), 1e-5);
        assertEquals(CE_GOLD1, DistillationLoss.tang().evaluate(s, null, gold).getFloat(), 1e-5);
    }

    @Test
    void goldMaskIsPerExample() {
        // example 1: student [1,2], teacher [3,0], gold 1 → 0.7·CE + 0.3·KL;
        // example 2: student [0,0], teacher [1,−1], no gold → KL only (0.44377628668…)
        NDArray s = manager.create(new float[] {1, 2, 0, 0}, new Shape(2, 2));
        NDArray t = manager.create(new float[] {3, 0, 1, -1}, new Shape(2, 2));
        NDArray gold = manager.create(new long[] {1, -1});
        double expected = (0.7 * CE_GOLD1 + 0.3 * KL_T2 + 0.4437762866869095) / 2;
        assertEquals(0.5762173291256177, expected, 1e-9);
        assertEquals(expected, DistillationLoss.hinton(2f, 0.3f).evaluate(s, t, gold).getFloat(), 1e-5);
        // through DJL's Loss interface: labels (gold, teacher), predictions (student)
        assertEquals(expected, DistillationLoss.hinton(2f, 0.3f).evaluate(new NDList(gold, t), new NDList(s)).getFloat(), 1e-5);
        // gold-only: CE over the rows that have gold
        assertEquals(CE_GOLD1, DistillationLoss.hinton(2f, 0.3f).evaluate(s, null, gold).getFloat(), 1e-5);
    }

    @Test
    void djlAgreesWithReferenceOnRandomBatches() {
        Random random = new Random(7);
        int batch = 16;
        int classes = 5;
        for (DistillationLoss.Kind kind : DistillationLoss.Kind.values()) {
            float temperature = 0.5f + random.nextFloat() * 4;
            float alpha = random.nextFloat();
            float[] s = new float[batch * classes];
            float[] t = new float[batch * classes];
            long[] gold = new long[batch];
            double expected = 0;
            for (int b = 0; b < batch; b++) {
                float[] sRow = new float[classes];
                float[] tRow = new float[classes];
                for (int c = 0; c < classes; c++) {
                    sRow[c] = s[b * classes + c] = (float) random.nextGaussian() * 3;
                    tRow[c] = t[b * classes + c] = (float) random.nextGaussian() * 3;
                }
                gold[b] = random.nextInt(classes + 1) - 1;
                expected += ReferenceLosses.example(kind, temperature, alpha, sRow, tRow, (int) gold[b]);
            }
            expected /= batch;
            float actual = new DistillationLoss(kind, temperature, alpha).evaluate(manager.create(s, new Shape(batch, classes)),
                    manager.create(t, new Shape(batch, classes)), manager.create(gold)).getFloat();
            assertEquals(expected, actual, 1e-4 * Math.max(1, Math.abs(expected)), kind.name());
        }
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> DistillationLoss.hinton(0f, 0.5f));
        assertThrows(IllegalArgumentException.class, () -> DistillationLoss.hinton(2f, 1.5f));
    }
}
