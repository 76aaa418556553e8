package io.distillery.trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A bounded, uniform sample of everything ever offered (reservoir sampling, Vitter's algorithm R):
 * after n offers each item is in the buffer with probability capacity/n, whatever the order, so
 * old parts of a drifting stream stay represented and the student does not forget them. Seeded;
 * single-threaded.
 */
public final class ReplayBuffer<T> {

    private final int capacity;
    private final List<T> items;
    private final Random random;
    private long seen;

    public ReplayBuffer(int capacity, long seed) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, was " + capacity);
        }
        this.capacity = capacity;
        this.items = new ArrayList<>(Math.min(capacity, 1 << 16));
        this.random = new Random(seed);
    }

    /** Offers one item: kept while the buffer fills, then replaces a random slot with probability capacity/seen. */
    public void offer(T item) {
        seen++;
        if (capacity == 0) {
            return;
        }
        if (items.size() < capacity) {
            items.add(item);
            return;
        }
        long slot = (long) (random.nextDouble() * seen);
        if (slot < capacity) {
            items.set((int) slot, item);
        }
    }

    /** Up to {@code n} distinct items drawn uniformly from the buffer. */
    public List<T> sample(int n) {
        int k = Math.min(n, items.size());
        List<T> out = new ArrayList<>(k);
        if (k == 0) {
            return out;
        }
        // partial Fisher-Yates over indices, without disturbing the buffer
        int[] index = new int[items.size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(index.length - i);
            int t = index[i];
            index[i] = index[j];
            index[j] = t;
            out.add(items.get(index[i]));
        }
        return out;
    }

    public int size() {
        return items.size();
    }

    public int capacity() {
        return capacity;
    }

    /** Items ever offered. */
    public long seen() {
        return seen;
    }

    /** The current contents (a copy), for tests and statistics. */
    public List<T> contents() {
        return List.copyOf(items);
    }
}
