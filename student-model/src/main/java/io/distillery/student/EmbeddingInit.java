package io.distillery.student;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import io.distillery.formats.EmbeddingTable;
import java.nio.FloatBuffer;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Starts a student's embedding table from a teacher's ({@link EmbeddingTable}, e.g. the vectors
 * {@code teacher fit} distils token by token from its encoder), instead of at random: a student
 * trained on a few thousand sentences then already knows words it never sees in them. The rows
 * are centred (they share the special tokens' part), projected onto their top principal
 * directions when the student's table is narrower, and scaled to the spread of the student's own
 * random start, so training behaves as it does from scratch.
 */
public final class EmbeddingInit {

    /** The standard deviation of the students' random embeddings: their initializer and this start share it. */
    public static final float STUDENT_STD = 0.1f;

    private EmbeddingInit() {
    }

    /**
     * The student's starting table, {@code rows × width} row-major.
     *
     * @throws IllegalArgumentException when the teacher's table is narrower than {@code width}
     */
    public static float[] fit(EmbeddingTable table, int width) {
        int rows = table.rows();
        int columns = table.columns();
        if (width > columns) {
            throw new IllegalArgumentException("the teacher's embedding table is " + columns + " wide; a student table of "
                    + width + " cannot start from it (use an embedding size of at most " + columns + ")");
        }
        double[] mean = new double[columns];
        float[] values = table.values();
        for (float value : values) {
            if (!Float.isFinite(value)) {
                throw new IllegalArgumentException("the teacher's embedding table holds a non-finite value (" + value + ")");
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                mean[c] += values[r * columns + c];
            }
        }
        for (int c = 0; c < columns; c++) {
            mean[c] /= rows;
        }
        // Full width keeps every direction: the centred rows themselves, no projection needed.
        double[][] basis = width == columns ? null : topPrincipalDirections(values, rows, columns, mean, width);
        float[] out = new float[rows * width];
        double squares = 0;
        double[] centred = new double[columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                centred[c] = values[r * columns + c] - mean[c];
            }
            for (int k = 0; k < width; k++) {
                double value = basis == null ? centred[k] : dot(centred, basis[k]);
                out[r * width + k] = (float) value;
                squares += value * value;
            }
        }
        if (squares == 0) {
            throw new IllegalArgumentException("the teacher's embedding table has no spread: every row is the same");
        }
        double scale = STUDENT_STD / Math.sqrt(squares / out.length);
        for (int i = 0; i < out.length; i++) {
            out[i] *= (float) scale;
        }
        return out;
    }

    /** Copies a starting table into the student's embedding parameter (shapes must agree). */
    public static void apply(Student student, float[] table) {
        Parameter parameter = student.block().getParameters().get("embedding");
        NDArray array = parameter.getArray();
        if (array.getShape().size() != table.length) {
            throw new IllegalArgumentException("a starting table of " + table.length + " values does not fit the student's "
                    + array.getShape());
        }
        array.set(FloatBuffer.wrap(table));
    }

    /**
     * The eigenvectors of the rows' covariance with the {@code count} largest eigenvalues, largest
     * first (cyclic Jacobi on the columns × columns covariance: exact, and a few seconds for 384).
     */
    static double[][] topPrincipalDirections(float[] values, int rows, int columns, double[] mean, int count) {
        double[][] covariance = new double[columns][columns];
        double[] centred = new double[columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                centred[c] = values[r * columns + c] - mean[c];
            }
            for (int i = 0; i < columns; i++) {
                double ci = centred[i];
                double[] line = covariance[i];
                for (int j = i; j < columns; j++) {
                    line[j] += ci * centred[j];
                }
            }
        }
        for (int i = 0; i < columns; i++) {
            for (int j = i; j < columns; j++) {
                covariance[i][j] /= rows;
                covariance[j][i] = covariance[i][j];
            }
        }
        double[][] vectors = identity(columns); // columns of this matrix become the eigenvectors
        jacobi(covariance, vectors);
        double[][] a = covariance;
        Integer[] order = IntStream.range(0, columns).boxed().sorted(Comparator.comparingDouble(i -> -a[i][i])).toArray(Integer[]::new);
        double[][] top = new double[count][columns];
        for (int k = 0; k < count; k++) {
            for (int c = 0; c < columns; c++) {
                top[k][c] = vectors[c][order[k]];
            }
        }
        return top;
    }

    /** Diagonalises the symmetric matrix {@code a} in place, accumulating the rotations into {@code v}. */
    static void jacobi(double[][] a, double[][] v) {
        int n = a.length;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double total = 0;
            for (int p = 0; p < n; p++) {
                for (int q = 0; q < n; q++) {
                    total += a[p][q] * a[p][q];
                    if (p != q) {
                        off += a[p][q] * a[p][q];
                    }
                }
            }
            if (off <= 1e-22 * total) {
                return;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) { // a <- a J (columns p and q)
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) { // a <- J^T a (rows p and q)
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        throw new IllegalStateException("Jacobi did not converge in 100 sweeps for a " + n + " x " + n + " matrix");
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }
}
