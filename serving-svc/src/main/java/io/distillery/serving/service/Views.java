package io.distillery.serving.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.schemas.RolloutEvent;
import io.distillery.schemas.RolloutState;
import io.distillery.serving.CheckpointCache;
import io.distillery.serving.Roles;
import io.distillery.serving.RolloutView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** JSON shapes of the REST answers (plain maps written by Jackson; NaN becomes null). */
final class Views {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Views() {
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String error(String message) {
        return write(Map.of("error", message));
    }

    static Map<String, Object> state(RolloutState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("live_checkpoint_id", s.getLiveCheckpointId());
        m.put("previous_live_ids", new ArrayList<>(s.getPreviousLiveIds()));
        m.put("canary_checkpoint_id", s.getCanaryCheckpointId());
        m.put("canary_fraction", s.getCanaryFraction());
        m.put("shadow_checkpoint_id", s.getShadowCheckpointId());
        m.put("pinned", s.getPinned());
        return m;
    }

    static Map<String, Object> event(RolloutEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.getId());
        m.put("lineage", e.getLineage());
        m.put("kind", e.getKind().name());
        m.put("checkpoint_id", e.getCheckpointId());
        m.put("command_id", e.getCommandId());
        m.put("decided_by", e.getDecidedBy());
        m.put("reason", e.getReason());
        m.put("metrics", finite(e.getMetrics()));
        m.put("state", state(e.getState()));
        m.put("at", e.getAt().toString());
        return m;
    }

    /** Every checkpoint this replica has seen, with serving's metrics, the trainer's, its role and whether it is loaded. */
    static List<Map<String, Object>> models(CheckpointCache cache, RolloutView view, Roles served, Set<String> loaded) {
        RolloutState state = view.state();
        Roles wanted = io.distillery.serving.RolloutDecider.roles(state);
        List<Map<String, Object>> out = new ArrayList<>();
        for (CheckpointCache.Summary s : cache.summaries()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("lineage", s.lineage());
            m.put("parent_id", s.parentId());
            m.put("steps", s.steps());
            m.put("examples", s.examples());
            m.put("created_at", java.time.Instant.ofEpochMilli(s.createdAtMillis()).toString());
            m.put("weights_bytes", s.weightsBytes());
            m.put("role", wanted.roleOf(s.id()) != null ? wanted.roleOf(s.id())
                    : state.getPreviousLiveIds().contains(s.id()) ? "previous" : null);
            m.put("loaded", loaded.contains(s.id()));
            m.put("serving_role_here", served.roleOf(s.id()));
            m.put("metrics", finite(view.metrics(s.id())));
            m.put("trainer_metrics", finite(s.trainerMetrics()));
            Optional<RolloutEvent> last = view.lastEventAbout(s.id());
            m.put("last_event", last.map(e -> e.getKind().name()).orElse(null));
            m.put("last_reason", last.map(RolloutEvent::getReason).orElse(null));
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> finite(Map<String, Double> values) {
        Map<String, Object> m = new TreeMap<>();
        values.forEach((k, v) -> m.put(k, v == null || !Double.isFinite(v) ? null : v));
        return m;
    }

    static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
