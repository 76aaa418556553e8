package io.distillery.student;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.formats.EmbeddingTable;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EmbeddingInitTest {

    @Test
    void jacobiDiagonalisesASymmetricMatrixWithOrthonormalVectors() {
        Random random = new Random(3);
        int n = 7;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                a[i][j] = a[j][i] = random.nextGaussian();
            }
        }
        double[][] original = new double[n][];
        for (int i = 0; i < n; i++) {
            original[i] = a[i].clone();
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        EmbeddingInit.jacobi(a, v);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double reconstructed = 0; // (V diag(a) V^T)[i][j]
                double gram = 0;          // (V^T V)[i][j]
                for (int k = 0; k < n; k++) {
                    reconstructed += v[i][k] * a[k][k] * v[j][k];
                    gram += v[k][i] * v[k][j];
                }
                assertEquals(original[i][j], reconstructed, 1e-9, "A = V D V^T at " + i + "," + j);
                assertEquals(i == j ? 1 : 0, gram, 1e-9, "V orthonormal at " + i + "," + j);
                if (i != j) {
                    assertEquals(0, a[i][j], 1e-9, "off-diagonal left at " + i + "," + j);
                }
            }
        }
    }

    @Test
    void projectsOntoTheDirectionThatVariesMostAndScalesToTheStudentsSpread() {
        // Rows vary strongly along u, weakly along w, plus a constant offset every row shares.
        Random random = new Random(5);
        int rows = 2000;
        int columns = 4;
        double[] u = {0.5, 0.5, 0.5, 0.5};
        double[] w = {0.5, -0.5, 0.5, -0.5};
        double[] strong = new double[rows];
        float[] values = new float[rows * columns];
        for (int r = 0; r < rows; r++) {
            strong[r] = 3 * random.nextGaussian();
            double weak = 0.3 * random.nextGaussian();
            for (int c = 0; c < columns; c++) {
                values[r * columns + c] = (float) (7 + strong[r] * u[c] + weak * w[c] + 0.01 * random.nextGaussian());
            }
        }
        float[] projected = EmbeddingInit.fit(new EmbeddingTable(rows, columns, values), 1);
        assertEquals(rows, projected.length);
        double mean = 0;
        double squares = 0;
        double cross = 0;
        double strongSquares = 0;
        for (int r = 0; r < rows; r++) {
            mean += projected[r];
            squares += projected[r] * projected[r];
            cross += projected[r] * strong[r];
            strongSquares += strong[r] * strong[r];
        }
        assertEquals(0, mean / rows, 1e-6, "centred");
        assertEquals(EmbeddingInit.STUDENT_STD, Math.sqrt(squares / rows), 1e-6, "the student's spread");
        double correlation = Math.abs(cross) / Math.sqrt(squares * strongSquares);
        assertTrue(correlation > 0.99, "the kept direction is the strong one: correlation " + correlation);
    }

    @Test
    void aFullWidthStartKeepsEveryDirectionAndTheStudentUsesIt() {
        StudentTokenizer tokenizer = TestTokenizers.miniLm();
        Architecture mlp = Architecture.mlp(tokenizer.vocabSize(), 2).withEmbeddingSize(8);
        Random random = new Random(9);
        float[] values = new float[tokenizer.vocabSize() * 8];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        float[] start = EmbeddingInit.fit(new EmbeddingTable(tokenizer.vocabSize(), 8, values), 8);
        try (Student student = Student.create(mlp, List.of("neg", "pos"), tokenizer, 1)) {
            float[] before = student.logits(List.of("a fine film"))[0];
            EmbeddingInit.apply(student, start);
            float[] after = student.logits(List.of("a fine film"))[0];
            assertTrue(before[0] != after[0] || before[1] != after[1], "the student now reads the new table");
            float[] narrow = new float[start.length / 2];
            assertThrows(IllegalArgumentException.class, () -> EmbeddingInit.apply(student, narrow));
        }
        assertThrows(IllegalArgumentException.class, () -> EmbeddingInit.fit(new EmbeddingTable(2, 3, new float[6]), 4));
        assertThrows(IllegalArgumentException.class, () -> EmbeddingInit.fit(new EmbeddingTable(2, 3, new float[6]), 3),
                "no spread: every row the same");
        float[] withNaN = {1f, 2f, Float.NaN, 0f, 1f, 2f};
        assertThrows(IllegalArgumentException.class, () -> EmbeddingInit.fit(new EmbeddingTable(2, 3, withNaN), 3));
    }
}
