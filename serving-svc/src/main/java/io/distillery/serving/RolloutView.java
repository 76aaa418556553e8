package io.distillery.serving;

import io.distillery.schemas.RolloutEvent;
import io.distillery.schemas.RolloutState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a replica knows from student.rollout-events about its lineage: the latest state (what it
 * serves), the recent events, and the metrics events carried per checkpoint. Applied in offset
 * order by one reader; read by anyone.
 */
public final class RolloutView {

    private final String lineage;
    private final int recentLimit;
    private final ArrayDeque<RolloutEvent> recent = new ArrayDeque<>();
    private final Map<String, Map<String, Double>> metrics = new HashMap<>();
    private final Map<String, RolloutEvent> lastEventByCheckpoint = new HashMap<>();
    private RolloutEvent latest;

    public RolloutView(String lineage, int recentLimit) {
        this.lineage = lineage;
        this.recentLimit = recentLimit;
    }

    /** Applies an event; false (ignored) if it belongs to another lineage. */
    public synchronized boolean apply(RolloutEvent event) {
        if (!lineage.equals(event.getLineage())) {
            return false;
        }
        latest = event;
        recent.addLast(event);
        while (recent.size() > recentLimit) {
            recent.removeFirst();
        }
        if (event.getCheckpointId() != null) {
            lastEventByCheckpoint.put(event.getCheckpointId(), event);
            if (!event.getMetrics().isEmpty()) {
                Map<String, Double> m = new HashMap<>();
                event.getMetrics().forEach((k, v) -> m.put(k.toString(), v));
                metrics.put(event.getCheckpointId(), Map.copyOf(m));
            }
        }
        return true;
    }

    public synchronized RolloutState state() {
        return latest == null ? RolloutDecider.initial() : latest.getState();
    }

    public synchronized Optional<RolloutEvent> latest() {
        return Optional.ofNullable(latest);
    }

    /** The most recent events, oldest first. */
    public synchronized List<RolloutEvent> recent() {
        return new ArrayList<>(recent);
    }

    public synchronized Optional<RolloutEvent> eventForCommand(String commandId) {
        for (var it = recent.descendingIterator(); it.hasNext(); ) {
            RolloutEvent e = it.next();
            if (commandId.equals(e.getCommandId())) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** Serving's evaluation metrics of a checkpoint, as the last event about it carried them. */
    public synchronized Map<String, Double> metrics(String checkpointId) {
        return metrics.getOrDefault(checkpointId, Map.of());
    }

    public synchronized Optional<RolloutEvent> lastEventAbout(String checkpointId) {
        return Optional.ofNullable(lastEventByCheckpoint.get(checkpointId));
    }

    /** The checkpoints the state refers to: never evicted from the cache (a few previous ones for rollback). */
    public synchronized Set<String> referenced(int previousToKeep) {
        RolloutState s = state();
        Set<String> ids = new LinkedHashSet<>();
        if (s.getLiveCheckpointId() != null) {
            ids.add(s.getLiveCheckpointId());
        }
        if (s.getCanaryCheckpointId() != null) {
            ids.add(s.getCanaryCheckpointId());
        }
        if (s.getShadowCheckpointId() != null) {
            ids.add(s.getShadowCheckpointId());
        }
        List<String> previous = s.getPreviousLiveIds();
        for (int i = Math.max(0, previous.size() - previousToKeep); i < previous.size(); i++) {
            ids.add(previous.get(i));
        }
        return ids;
    }
}
