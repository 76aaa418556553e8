package io.distillery.augmenter;

import java.util.Objects;
import java.util.Random;

/**
 * Seeds derived from record ids, so that re-processing a record (a replay, a restarted task)
 * produces exactly the same variants. A 64-bit FNV-1a hash of the id's UTF-16 code units, mixed with a
 * salt (change it to get another, equally reproducible, augmentation of the same stream) through the
 * SplitMix64 finaliser, so that similar ids ("r1", "r2") give unrelated seeds.
 */
public final class RecordSeeds {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private RecordSeeds() {
    }

    public static long seedFor(String recordId, long salt) {
        Objects.requireNonNull(recordId, "recordId");
        long hash = FNV_OFFSET;
        for (int i = 0; i < recordId.length(); i++) {
            hash = (hash ^ recordId.charAt(i)) * FNV_PRIME;
        }
        return mix(hash ^ mix(salt));
    }

    /** A fresh generator for one record. */
    public static Random randomFor(String recordId, long salt) {
        return new Random(seedFor(recordId, salt));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
