package io.distillery.serving;

import io.distillery.schemas.StudentCheckpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checkpoints read from student.checkpoints, by id, so a replica can load whatever the rollout
 * state names. Bounded: the most recent {@code capacity} are kept, plus every checkpoint the
 * current state refers to (pinned), however old.
 */
public final class CheckpointCache {

    /** What the follower learnt about a checkpoint, for GET /models and the dashboard. */
    public record Summary(String id, String lineage, String parentId, long steps, long examples, long createdAtMillis,
                          int weightsBytes, java.util.Map<String, Double> trainerMetrics) {
    }

    private final int capacity;
    private final Supplier<Set<String>> pinned;
    private final LinkedHashMap<String, StudentCheckpoint> checkpoints = new LinkedHashMap<>();
    /** Every checkpoint seen, bytes or not, in arrival order (small: no weights). */
    private final LinkedHashMap<String, Summary> summaries = new LinkedHashMap<>();

    public CheckpointCache(int capacity, Supplier<Set<String>> pinned) {
        if (capacity < 1) {
            throw new IllegalArgumentException("checkpoint cache capacity must be positive");
        }
        this.capacity = capacity;
        this.pinned = pinned;
    }

    public synchronized void put(StudentCheckpoint checkpoint) {
        String id = checkpoint.getId();
        checkpoints.remove(id);
        checkpoints.put(id, checkpoint);
        summaries.put(id, summary(checkpoint));
        evict();
    }

    public synchronized Optional<StudentCheckpoint> get(String id) {
        return Optional.ofNullable(checkpoints.get(id));
    }

    public synchronized boolean contains(String id) {
        return checkpoints.containsKey(id);
    }

    public synchronized Optional<Summary> summary(String id) {
        return Optional.ofNullable(summaries.get(id));
    }

    /** Every checkpoint seen, oldest first. */
    public synchronized List<Summary> summaries() {
        return new ArrayList<>(summaries.values());
    }

    public synchronized Set<String> ids() {
        return Set.copyOf(checkpoints.keySet());
    }

    private void evict() {
        Set<String> keep = pinned.get();
        int unpinned = (int) checkpoints.keySet().stream().filter(id -> !keep.contains(id)).count();
        var it = checkpoints.keySet().iterator();
        while (unpinned > capacity && it.hasNext()) {
            if (!keep.contains(it.next())) {
                it.remove();
                unpinned--;
            }
        }
    }

    private static Summary summary(StudentCheckpoint c) {
        java.util.Map<String, Double> metrics = new java.util.TreeMap<>();
        c.getMetrics().forEach((k, v) -> metrics.put(k.toString(), v));
        return new Summary(c.getId(), c.getLineage(), c.getParentId(), c.getTrainingPosition().getSteps(),
                c.getTrainingPosition().getExamples(), c.getCreatedAt().toEpochMilli(), c.getWeights().remaining(), metrics);
    }
}
