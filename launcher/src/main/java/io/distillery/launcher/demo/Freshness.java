package io.distillery.launcher.demo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How fresh a promoted student is: the time from a raw record being produced to the promotion of
 * a checkpoint whose training position includes it. A checkpoint's position says, per partition
 * of text.labeled, "every record before this offset is in the weights"; a labelled record's key
 * names its raw record ({@code <raw id>#<variant>}). So for a promotion, the newest raw record
 * included is the one with the latest produce time among the labelled records before the
 * position, and freshness is the promotion time minus that produce time.
 *
 * <p>Thread-safe for one writer of labelled records and concurrent {@link #produced} calls.
 */
public final class Freshness {

    private final Map<String, Long> producedAt = new ConcurrentHashMap<>();
    /** Per labelled partition: offsets in consumption order, and the running max of their raw produce times. */
    private final Map<Integer, List<long[]>> labelled = new HashMap<>();

    /** A raw record was produced at {@code epochMillis}. */
    public void produced(String rawId, long epochMillis) {
        producedAt.put(rawId, epochMillis);
    }

    /** A labelled record was seen (in offset order per partition); records not produced by us are skipped. */
    public synchronized void labelled(int partition, long offset, String key) {
        int hash = key == null ? -1 : key.lastIndexOf('#');
        Long produced = hash < 0 ? null : producedAt.get(key.substring(0, hash));
        if (produced == null) {
            return;
        }
        List<long[]> entries = labelled.computeIfAbsent(partition, p -> new ArrayList<>());
        long runningMax = entries.isEmpty() ? produced : Math.max(produced, entries.get(entries.size() - 1)[1]);
        entries.add(new long[] {offset, runningMax});
    }

    /**
     * The produce time of the newest raw record included in a checkpoint with these next offsets
     * (partition to next offset), if any labelled record we saw is included.
     */
    public synchronized OptionalLong newestIncluded(Map<Integer, Long> nextOffsets) {
        long newest = Long.MIN_VALUE;
        for (Map.Entry<Integer, Long> position : nextOffsets.entrySet()) {
            List<long[]> entries = labelled.get(position.getKey());
            if (entries == null) {
                continue;
            }
            int last = lastBefore(entries, position.getValue());
            if (last >= 0) {
                newest = Math.max(newest, entries.get(last)[1]);
            }
        }
        return newest == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(newest);
    }

    /** Freshness in milliseconds of a checkpoint promoted at {@code promotedAtMillis}, if it includes any of our records. */
    public OptionalLong freshnessMillis(Map<Integer, Long> nextOffsets, long promotedAtMillis) {
        OptionalLong newest = newestIncluded(nextOffsets);
        return newest.isPresent() ? OptionalLong.of(promotedAtMillis - newest.getAsLong()) : OptionalLong.empty();
    }

    /** Index of the last entry with offset < next, or -1 (binary search: offsets grow). */
    private static int lastBefore(List<long[]> entries, long next) {
        int low = 0;
        int high = entries.size() - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (entries.get(mid)[0] < next) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }
}
