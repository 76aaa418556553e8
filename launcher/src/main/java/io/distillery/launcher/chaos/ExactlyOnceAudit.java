package io.distillery.launcher.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Exactly once, checked by id: every expected id seen once, none lost, none twice, nothing else.
 *
 * @param expected   how many ids were expected
 * @param lost       expected ids never seen
 * @param duplicated ids seen more than once
 * @param unexpected ids seen that were not expected
 */
public record ExactlyOnceAudit(int expected, List<String> lost, List<String> duplicated, List<String> unexpected) {

    public static ExactlyOnceAudit of(Collection<String> expectedIds, Collection<String> seenIds) {
        Set<String> expected = new TreeSet<>(expectedIds);
        Map<String, Integer> copies = new HashMap<>();
        for (String id : seenIds) {
            copies.merge(id, 1, Integer::sum);
        }
        List<String> lost = new ArrayList<>();
        for (String id : expected) {
            if (!copies.containsKey(id)) {
                lost.add(id);
            }
        }
        List<String> duplicated = new ArrayList<>(new TreeSet<>(copies.entrySet().stream()
                .filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList()));
        List<String> unexpected = new ArrayList<>(new TreeSet<>(copies.keySet().stream().filter(id -> !expected.contains(id)).toList()));
        return new ExactlyOnceAudit(expected.size(), lost, duplicated, unexpected);
    }

    public boolean clean() {
        return lost.isEmpty() && duplicated.isEmpty() && unexpected.isEmpty();
    }

    /** For the report: counts and the first few ids of each kind. */
    public Map<String, Object> report() {
        return Map.of("expected", expected, "lost", lost.size(), "duplicated", duplicated.size(), "unexpected", unexpected.size(),
                "examples", Map.of("lost", head(lost), "duplicated", head(duplicated), "unexpected", head(unexpected)));
    }

    private static List<String> head(List<String> ids) {
        return ids.subList(0, Math.min(5, ids.size()));
    }
}
