package io.distillery.serving;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model with a reference count: the owner holds one reference from creation, every in-flight
 * request one more. The model is closed when the last reference is released, so a swap never
 * closes a model a request is still using.
 */
public final class RefCounted<M extends AutoCloseable> {

    private final M value;
    private final AtomicInteger references = new AtomicInteger(1);

    public RefCounted(M value) {
        this.value = value;
    }

    public M get() {
        return value;
    }

    /** One more reference, unless the model is already closed (then false). */
    public boolean tryAcquire() {
        while (true) {
            int current = references.get();
            if (current <= 0) {
                return false;
            }
            if (references.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Drops one reference; the last one closes the model. */
    public void release() {
        int left = references.decrementAndGet();
        if (left == 0) {
            try {
                value.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + value + " failed", e);
            }
        } else if (left < 0) {
            throw new IllegalStateException("released more often than acquired: " + value);
        }
    }

    public int references() {
        return Math.max(0, references.get());
    }

    public boolean closed() {
        return references.get() <= 0;
    }
}
