package io.distillery.formats;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A token embedding table as a file, one row per vocabulary id: what a teacher bundle hands its
 * students ({@value #FILE_NAME}, written by {@code teacher fit}, read by the trainer). Format 1:
 * magic {@code DEMB}, format, rows, columns (big-endian ints), the float32 values row by row, then
 * the SHA-256 of everything before it, so a truncated or altered file is refused, never half-read.
 */
public record EmbeddingTable(int rows, int columns, float[] values) {

    public static final String FILE_NAME = "student-embeddings.bin";
    private static final int MAGIC = 0x44454d42; // "DEMB"
    private static final int FORMAT = 1;
    private static final int HEADER_BYTES = 16;
    private static final int DIGEST_BYTES = 32;

    public EmbeddingTable {
        if (rows < 1 || columns < 1 || values.length != (long) rows * columns) {
            throw new IllegalArgumentException("a table of " + rows + " x " + columns + " needs that many values, got " + values.length);
        }
    }

    /** The values of row {@code id}. */
    public float[] row(int id) {
        return Arrays.copyOfRange(values, id * columns, (id + 1) * columns);
    }

    /** Writes the file atomically (a temporary file moved into place). */
    public void write(Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(HEADER_BYTES + values.length * 4 + DIGEST_BYTES);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeInt(rows);
            out.writeInt(columns);
            for (float value : values) {
                out.writeFloat(value);
            }
            out.write(sha256(bytes.toByteArray(), bytes.size()));
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temporary, bytes.toByteArray());
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads and verifies a table file; any mismatch is an {@link IOException} that says what is wrong. */
    public static EmbeddingTable read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < HEADER_BYTES + DIGEST_BYTES) {
            throw new IOException(file + " is not an embedding table: " + bytes.length + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int magic = buffer.getInt();
        int format = buffer.getInt();
        if (magic != MAGIC) {
            throw new IOException(file + " is not an embedding table (magic 0x" + Integer.toHexString(magic) + ")");
        }
        if (format != FORMAT) {
            throw new IOException(file + " has embedding table format " + format + "; this build reads format " + FORMAT);
        }
        int rows = buffer.getInt();
        int columns = buffer.getInt();
        long expected = HEADER_BYTES + 4L * rows * columns + DIGEST_BYTES;
        if (rows < 1 || columns < 1 || expected != bytes.length) {
            throw new IOException(file + " says " + rows + " x " + columns + " but holds " + bytes.length + " bytes: truncated or corrupt");
        }
        byte[] digest = Arrays.copyOfRange(bytes, bytes.length - DIGEST_BYTES, bytes.length);
        if (!MessageDigest.isEqual(digest, sha256(bytes, bytes.length - DIGEST_BYTES))) {
            throw new IOException(file + " fails its SHA-256 check: corrupt or altered");
        }
        float[] values = new float[rows * columns];
        buffer.asFloatBuffer().get(values);
        return new EmbeddingTable(rows, columns, values);
    }

    private static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, 0, length);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
