package io.distillery.teacher.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.teacher.LinearHead;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SoftmaxHeadTrainerTest {

    /** Three Gaussian blobs in 5 dimensions, on a large offset and scale the trainer must standardise away. */
    private static float[][] blobs(int perClass, long seed, int[] labels) {
        Random random = new Random(seed);
        float[][] x = new float[3 * perClass][5];
        for (int i = 0; i < x.length; i++) {
            int label = i % 3;
            labels[i] = label;
            for (int j = 0; j < 5; j++) {
                double centre = j == label ? 3 : 0;
                x[i][j] = (float) (1000 + 50 * (centre + random.nextGaussian()));
            }
        }
        return x;
    }

    @Test
    void learnsSeparableClassesOnRawUnscaledFeatures() {
        int[] y = new int[300];
        float[][] x = blobs(100, 1, y);
        int[] testY = new int[150];
        float[][] testX = blobs(50, 2, testY);

        LinearHead head = SoftmaxHeadTrainer.defaults().fit(x, y, 3, 1e-3);

        assertEquals(3, head.classes());
        assertEquals(5, head.inputSize());
        assertTrue(SoftmaxHeadTrainer.accuracy(head, testX, testY) > 0.95,
                "the folded head works on raw features: " + SoftmaxHeadTrainer.accuracy(head, testX, testY));
    }

    @Test
    void strongerL2GivesSmallerWeightsAndSofterPredictions() {
        int[] y = new int[300];
        float[][] x = blobs(100, 3, y);
        SoftmaxHeadTrainer trainer = new SoftmaxHeadTrainer(500, 0.05);

        LinearHead weak = trainer.fit(x, y, 3, 1e-4);
        LinearHead strong = trainer.fit(x, y, 3, 1.0);

        assertTrue(norm(strong) < norm(weak));
        assertTrue(SoftmaxHeadTrainer.meanLoss(strong, x, y) > SoftmaxHeadTrainer.meanLoss(weak, x, y));
    }

    @Test
    void selectionKeepsTheBestStrengthOnDev() {
        int[] y = new int[300];
        float[][] x = blobs(100, 4, y);
        int[] devY = new int[90];
        float[][] devX = blobs(30, 5, devY);
        SoftmaxHeadTrainer trainer = new SoftmaxHeadTrainer(300, 0.05);
        List<Double> lambdas = List.of(1e-4, 1e-2, 1.0, 100.0);

        SoftmaxHeadTrainer.Fit selected = trainer.fitSelected(x, y, devX, devY, 3, lambdas);

        // Training is deterministic, so each strength can be refitted and compared.
        for (double lambda : lambdas) {
            LinearHead head = trainer.fit(x, y, 3, lambda);
            double accuracy = SoftmaxHeadTrainer.accuracy(head, devX, devY);
            assertTrue(accuracy < selected.devAccuracy() || accuracy == selected.devAccuracy()
                    && SoftmaxHeadTrainer.meanLoss(head, devX, devY) >= selected.devLoss(), "lambda " + lambda);
        }
        assertEquals(SoftmaxHeadTrainer.accuracy(selected.head(), devX, devY), selected.devAccuracy());
    }

    private static double norm(LinearHead head) {
        double sum = 0;
        for (float[] row : head.weights()) {
            for (float w : row) {
                sum += w * w;
            }
        }
        return sum;
    }
}
