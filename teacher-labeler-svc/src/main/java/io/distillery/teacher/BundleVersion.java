package io.distillery.teacher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A bundle's version: SHA-256 over its model, tokenizer and head files. Every labelled record
 * carries it, so a changed file must change the version; loading checks that it still matches.
 */
public final class BundleVersion {

    private BundleVersion() {
    }

    /** {@code sha256:<hex>} of the manifest's content files, each preceded by its name. */
    public static String compute(Path bundle, TeacherManifest manifest) {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 16];
        for (String name : manifest.contentFiles()) {
            // The name is hashed too, so swapping two files' roles changes the version.
            digest.update(name.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            try (InputStream in = new DigestInputStream(Files.newInputStream(bundle.resolve(name)), digest)) {
                while (in.read(buffer) != -1) {
                    // the stream feeds the digest
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + bundle.resolve(name), e);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    /** Fails when the files no longer hash to the version the manifest records. */
    public static void verify(Path bundle, TeacherManifest manifest) {
        String actual = compute(bundle, manifest);
        if (!actual.equals(manifest.version())) {
            throw new InvalidBundleException(bundle, "files changed since the bundle was built: "
                    + TeacherManifest.FILE_NAME + " says version " + manifest.version() + " but the files hash to "
                    + actual + " (rebuild the bundle, or set version=" + actual + " if the change is intended)");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
