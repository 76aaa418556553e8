package io.distillery.serving;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which checkpoint plays which role on a replica: what a rollout state asks a replica to hold.
 * {@code previous} is the one ROLLBACK returns to, kept loaded so a rollback is a pointer swap.
 */
public record Roles(String live, String canary, double canaryFraction, String shadow, String previous) {

    public static final Roles NONE = new Roles(null, null, 0, null, null);

    public Roles {
        if (canary == null) {
            canaryFraction = 0;
        }
        if (canaryFraction < 0 || canaryFraction > 1) {
            throw new IllegalArgumentException("canary fraction " + canaryFraction + " is outside [0, 1]");
        }
    }

    /** Every checkpoint id to keep loaded, live first. */
    public Set<String> ids() {
        Set<String> ids = new LinkedHashSet<>();
        for (String id : new String[] {live, canary, shadow, previous}) {
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** The role a checkpoint plays here ("live", "canary", "shadow", "previous"), or null. */
    public String roleOf(String id) {
        if (Objects.equals(id, live)) {
            return "live";
        }
        if (Objects.equals(id, canary)) {
            return "canary";
        }
        if (Objects.equals(id, shadow)) {
            return "shadow";
        }
        return Objects.equals(id, previous) ? "previous" : null;
    }
}
