package io.distillery.serving;

import java.nio.charset.StandardCharsets;

/**
 * Per-record routing of the switch architecture: which student answers (live or canary, chosen
 * from the record id so a replay or another replica makes the same choice), and whether the
 * student's answer is confident enough or the text goes to the teacher.
 */
public final class Routing {

    private Routing() {
    }

    /** Whether the record goes to the canary: the id's hash, uniform in [0, 1), falls below the fraction. */
    public static boolean toCanary(String recordId, double canaryFraction) {
        if (canaryFraction <= 0) {
            return false;
        }
        if (canaryFraction >= 1) {
            return true;
        }
        return unitHash(recordId) < canaryFraction;
    }

    /** Whether a prediction of this confidence is escalated to the teacher. */
    public static boolean escalate(double confidence, double threshold) {
        return confidence < threshold;
    }

    /** FNV-1a (64 bit) of the UTF-8 id, then a final avalanche, mapped to [0, 1). */
    static double unitHash(String id) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        // murmur3's fmix64: FNV alone leaves the top bits poorly mixed for short, similar ids
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        hash *= 0xc4ceb9fe1a85ec53L;
        hash ^= hash >>> 33;
        return (hash >>> 11) * 0x1.0p-53;
    }
}
