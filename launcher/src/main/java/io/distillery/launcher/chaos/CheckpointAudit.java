package io.distillery.launcher.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checkpoints as a crash must leave them: each one intact (its weights hash to the SHA-256 it
 * carries), and a child never behind its parent: more steps, and no input partition's offset
 * smaller (training only moves forward, and a resumed trainer starts from its parent).
 */
public final class CheckpointAudit {

    /** What the audit needs of a checkpoint. */
    public record Entry(String id, String parentId, long steps, Map<String, Long> nextOffsets, boolean intact) {
    }

    private final List<String> corrupt = new ArrayList<>();
    private int republished;
    private final List<String> regressions = new ArrayList<>();
    private int checked;

    public static CheckpointAudit of(List<Entry> checkpoints) {
        CheckpointAudit audit = new CheckpointAudit();
        Map<String, Entry> byId = new HashMap<>();
        List<Entry> distinct = new ArrayList<>();
        for (Entry entry : checkpoints) {
            if (byId.putIfAbsent(entry.id(), entry) == null) {
                distinct.add(entry);
            } else {
                audit.republished++; // the same checkpoint (same id and content hash) published again
            }
        }
        for (Entry entry : distinct) {
            audit.checked++;
            if (!entry.intact()) {
                audit.corrupt.add(entry.id());
            }
            Entry parent = entry.parentId() == null ? null : byId.get(entry.parentId());
            if (parent == null) {
                continue; // the first of the lineage, or a parent older than the run
            }
            if (entry.steps() <= parent.steps()) {
                audit.regressions.add(entry.id() + ": " + entry.steps() + " steps after its parent's " + parent.steps());
            }
            for (Map.Entry<String, Long> offset : parent.nextOffsets().entrySet()) {
                long child = entry.nextOffsets().getOrDefault(offset.getKey(), 0L);
                if (child < offset.getValue()) {
                    audit.regressions.add(entry.id() + ": " + offset.getKey() + " at " + child + ", its parent was at " + offset.getValue());
                }
            }
        }
        return audit;
    }

    /** Records that repeated a checkpoint already on the topic. */
    public int republished() {
        return republished;
    }

    public int checked() {
        return checked;
    }

    public List<String> corrupt() {
        return corrupt;
    }

    public List<String> regressions() {
        return regressions;
    }
}
