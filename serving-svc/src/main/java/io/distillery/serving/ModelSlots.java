package io.distillery.serving;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The models a replica holds, by role, with load-before-drop swaps: {@link #apply} loads (and the
 * loader warms) every model the new roles need <em>before</em> switching, switches atomically, and
 * only then releases the models no longer needed; each one closes when its last in-flight
 * {@link Lease} is closed. Requests never see a half-switched state and never use a closed model.
 *
 * <p>If a model cannot be loaded (its checkpoint bytes not here yet, or refused), the role keeps
 * what it had when it is the live role (a replica goes on serving the old live rather than
 * nothing), and is left empty otherwise; {@link Applied#complete()} says whether to retry.
 *
 * <p>{@link #apply} is called from one thread at a time (the rollout-events thread); {@link #lease}
 * from any number.
 *
 * @param <M> the model type (a DJL student in production, a fake in tests)
 */
public final class ModelSlots<M extends AutoCloseable> {

    /** What {@link #apply} achieved: the roles now served, and why models failed to load. */
    public record Applied(Roles served, Map<String, String> failures) {
        public boolean complete() {
            return failures.isEmpty();
        }
    }

    /** What requests see: the roles and one reference per loaded model. */
    private record View<M extends AutoCloseable>(Roles roles, Map<String, RefCounted<M>> models) {
    }

    /** Loads a checkpoint into a ready-to-serve model, or throws saying why it cannot. */
    public interface Loader<M> {
        M load(String checkpointId) throws Exception;
    }

    private final Loader<M> loader;
    private final Object lock = new Object();
    /** The owner's reference to every loaded model, by checkpoint id. */
    private final Map<String, RefCounted<M>> loaded = new LinkedHashMap<>();
    private View<M> current = new View<>(Roles.NONE, Map.of());

    public ModelSlots(Loader<M> loader) {
        this.loader = Objects.requireNonNull(loader);
    }

    /** Makes the replica serve {@code wanted}: load what is missing, swap, then release what is no longer needed. */
    public Applied apply(Roles wanted) {
        Map<String, String> failures = new LinkedHashMap<>();
        Map<String, RefCounted<M>> ready = new LinkedHashMap<>();
        for (String id : wanted.ids()) {
            RefCounted<M> model;
            synchronized (lock) {
                model = loaded.get(id);
            }
            if (model == null) {
                try {
                    model = new RefCounted<>(loader.load(id)); // outside the lock: requests go on meanwhile
                } catch (Exception e) {
                    failures.put(id, e.getMessage() == null ? e.toString() : e.getMessage());
                    continue;
                }
                synchronized (lock) {
                    loaded.put(id, model);
                }
            }
            ready.put(id, model);
        }
        View<M> before;
        synchronized (lock) {
            before = current;
        }
        String live = wanted.live();
        if (live != null && !ready.containsKey(live)) {
            // keep serving the old live model rather than nothing until the new one loads
            live = before.roles().live();
            if (live != null) {
                ready.put(live, before.models().get(live));
            }
        }
        Roles served = new Roles(live,
                ready.containsKey(wanted.canary()) ? wanted.canary() : null, wanted.canaryFraction(),
                ready.containsKey(wanted.shadow()) ? wanted.shadow() : null,
                ready.containsKey(wanted.previous()) ? wanted.previous() : null);
        Map<String, RefCounted<M>> models = new LinkedHashMap<>();
        for (String id : served.ids()) {
            models.put(id, ready.get(id));
        }
        Map<String, RefCounted<M>> dropped = new LinkedHashMap<>();
        synchronized (lock) {
            current = new View<>(served, Collections.unmodifiableMap(models));
            loaded.entrySet().removeIf(e -> {
                if (!models.containsKey(e.getKey())) {
                    dropped.put(e.getKey(), e.getValue());
                    return true;
                }
                return false;
            });
        }
        // after the swap: a model closes now if idle, else when its last lease closes
        dropped.values().forEach(RefCounted::release);
        return new Applied(served, Map.copyOf(failures));
    }

    /** The current roles and a reference to each of their models, to close when the request is done. */
    public Lease<M> lease() {
        synchronized (lock) {
            View<M> view = current;
            for (RefCounted<M> model : view.models().values()) {
                if (!model.tryAcquire()) {
                    // cannot happen: owner references are released only after the view stops being current
                    throw new IllegalStateException("a current model was closed");
                }
            }
            return new Lease<>(view.roles(), view.models());
        }
    }

    public Roles roles() {
        synchronized (lock) {
            return current.roles();
        }
    }

    /** Ids of the models held by this replica. */
    public java.util.Set<String> loadedIds() {
        synchronized (lock) {
            return java.util.Set.copyOf(loaded.keySet());
        }
    }

    /** Releases every model (at shutdown); leases still open close theirs when done. */
    public void closeAll() {
        Map<String, RefCounted<M>> all;
        synchronized (lock) {
            all = new LinkedHashMap<>(loaded);
            loaded.clear();
            current = new View<>(Roles.NONE, Map.of());
        }
        all.values().forEach(RefCounted::release);
    }

    /** The models of one request; closing it releases them. */
    public static final class Lease<M extends AutoCloseable> implements AutoCloseable {
        private final Roles roles;
        private final Map<String, RefCounted<M>> models;
        private boolean closed;

        Lease(Roles roles, Map<String, RefCounted<M>> models) {
            this.roles = roles;
            this.models = models;
        }

        public Roles roles() {
            return roles;
        }

        public M live() {
            return model(roles.live());
        }

        public M canary() {
            return model(roles.canary());
        }

        public M shadow() {
            return model(roles.shadow());
        }

        private M model(String id) {
            RefCounted<M> model = id == null ? null : models.get(id);
            return model == null ? null : model.get();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                models.values().forEach(RefCounted::release);
            }
        }
    }
}
