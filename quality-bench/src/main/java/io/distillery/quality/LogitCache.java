package io.distillery.quality;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Teacher logits on disk, so that reruns of the benchmark skip the slow teacher. A file is keyed by
 * the teacher bundle's version and a hash of the texts (their order included): another teacher or
 * other texts can never be served stale logits. Files are written to a temporary name and moved in
 * place, so an interrupted run leaves no half file.
 *
 * <pre>
 *   file: &lt;dir&gt;/&lt;name&gt;-&lt;key&gt;.logits
 *   "DLGT" | int format (1) | utf key | int rows | int classes | rows × classes floats
 * </pre>
 */
public final class LogitCache {

    private static final int MAGIC = 0x444c4754; // "DLGT"
    private static final int FORMAT = 1;

    private final Path dir;

    public LogitCache(Path dir) {
        this.dir = dir;
    }

    /** SHA-256 (hex) of the bundle version and every text, length-prefixed so boundaries count. */
    public static String key(String bundleVersion, List<String> texts) {
        MessageDigest digest = sha256();
        update(digest, "distillery-teacher-logits/1");
        update(digest, bundleVersion);
        update(digest, Integer.toString(texts.size()));
        for (String text : texts) {
            update(digest, text);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public Path file(String name, String key) {
        return dir.resolve(name + "-" + key.substring(0, 24) + ".logits");
    }

    /** The cached logits, if a file with exactly this key and row count exists and reads back whole. */
    public Optional<float[][]> get(String name, String key, int rows) {
        Path file = file(name, key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != FORMAT || !in.readUTF().equals(key)) {
                return Optional.empty();
            }
            int count = in.readInt();
            int classes = in.readInt();
            if (count != rows || classes < 1) {
                return Optional.empty();
            }
            float[][] logits = new float[count][classes];
            for (float[] row : logits) {
                for (int c = 0; c < classes; c++) {
                    row[c] = in.readFloat();
                }
            }
            return in.read() == -1 ? Optional.of(logits) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // truncated or foreign: recompute
        }
    }

    public void put(String name, String key, float[][] logits) throws IOException {
        Files.createDirectories(dir);
        Path file = file(name, key);
        Path tmp = Files.createTempFile(dir, name, ".tmp");
        try (OutputStream raw = Files.newOutputStream(tmp);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
            int classes = logits.length == 0 ? 1 : logits[0].length;
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(key);
            out.writeInt(logits.length);
            out.writeInt(classes);
            for (float[] row : logits) {
                if (row.length != classes) {
                    throw new IllegalArgumentException("ragged logits: " + row.length + " and " + classes + " classes");
                }
                for (float v : row) {
                    out.writeFloat(v);
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void update(MessageDigest digest, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        digest.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8), (byte) bytes.length});
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

}
