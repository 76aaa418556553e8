package io.distillery.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ModelSlotsTest {

    /** A model that fails any use after close, and records its life. */
    static final class FakeModel implements AutoCloseable {
        final String id;
        final List<String> log;
        volatile boolean closed;

        FakeModel(String id, List<String> log) {
            this.id = id;
            this.log = log;
            log.add("load " + id);
        }

        String predict() {
            if (closed) {
                throw new IllegalStateException(id + " used after close");
            }
            return id;
        }

        @Override
        public void close() {
            closed = true;
            log.add("close " + id);
        }
    }

    private final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, FakeModel> made = new ConcurrentHashMap<>();
    private final Set<String> unavailable = ConcurrentHashMap.newKeySet();
    private final ModelSlots<FakeModel> slots = new ModelSlots<>(id -> {
        if (unavailable.contains(id)) {
            throw new IllegalStateException(id + " not here");
        }
        FakeModel m = new FakeModel(id, log);
        made.put(id, m);
        return m;
    });

    @Test
    void theNewModelIsLoadedBeforeTheOldOneIsClosed() {
        slots.apply(new Roles("a", null, 0, null, null));
        slots.apply(new Roles("b", null, 0, null, null));
        assertEquals(List.of("load a", "load b", "close a"), log);
        try (ModelSlots.Lease<FakeModel> lease = slots.lease()) {
            assertEquals("b", lease.live().predict());
        }
    }

    @Test
    void aModelInUseIsClosedOnlyWhenItsLastLeaseCloses() {
        slots.apply(new Roles("a", null, 0, null, null));
        ModelSlots.Lease<FakeModel> inFlight = slots.lease();
        slots.apply(new Roles("b", null, 0, null, null));
        assertFalse(made.get("a").closed, "a is still in use");
        assertEquals("a", inFlight.live().predict());
        try (ModelSlots.Lease<FakeModel> next = slots.lease()) {
            assertEquals("b", next.live().predict());
        }
        inFlight.close();
        assertTrue(made.get("a").closed);
        inFlight.close(); // idempotent
        assertFalse(made.get("b").closed);
    }

    @Test
    void thePreviousLiveStaysLoadedSoRollbackLoadsNothing() {
        slots.apply(new Roles("a", null, 0, null, null));
        slots.apply(new Roles("b", null, 0, null, "a"));
        slots.apply(new Roles("a", null, 0, null, null));
        assertEquals(List.of("load a", "load b", "close b"), log);
        assertEquals(Set.of("a"), slots.loadedIds());
    }

    @Test
    void aLiveThatCannotLoadLeavesTheOldLiveServing() {
        slots.apply(new Roles("a", null, 0, null, null));
        unavailable.add("b");
        ModelSlots.Applied applied = slots.apply(new Roles("b", null, 0, null, "a"));
        assertFalse(applied.complete());
        assertTrue(applied.failures().get("b").contains("not here"));
        assertEquals("a", applied.served().live());
        try (ModelSlots.Lease<FakeModel> lease = slots.lease()) {
            assertEquals("a", lease.live().predict());
        }
        unavailable.clear();
        ModelSlots.Applied retried = slots.apply(new Roles("b", null, 0, null, "a"));
        assertTrue(retried.complete());
        assertEquals(new Roles("b", null, 0, null, "a"), retried.served());
        assertFalse(made.get("a").closed);
    }

    @Test
    void candidatesThatCannotLoadAreLeftOut() {
        unavailable.add("x");
        ModelSlots.Applied applied = slots.apply(new Roles("a", "x", 0.5, "x", null));
        assertEquals(new Roles("a", null, 0, null, null), applied.served());
        try (ModelSlots.Lease<FakeModel> lease = slots.lease()) {
            assertNull(lease.canary());
            assertNull(lease.shadow());
        }
    }

    @Test
    void noRequestFailsWhileModelsAreSwappedUnderLoad() throws Exception {
        slots.apply(new Roles("m0", null, 0, null, null));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch started = new CountDownLatch(4);
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread client = new Thread(() -> {
                started.countDown();
                while (!stop.get()) {
                    try (ModelSlots.Lease<FakeModel> lease = slots.lease()) {
                        lease.live().predict();
                        Thread.yield();
                        lease.live().predict();
                        answered.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
            client.start();
            clients.add(client);
        }
        started.await();
        for (int i = 1; i <= 200; i++) {
            slots.apply(new Roles("m" + i, null, 0, null, "m" + (i - 1)));
        }
        stop.set(true);
        for (Thread client : clients) {
            client.join();
        }
        assertEquals(List.of(), failures);
        assertTrue(answered.get() > 0);
        // every model but the last two was closed, each exactly once
        long closes = log.stream().filter(l -> l.startsWith("close")).count();
        assertEquals(199, closes);
        assertEquals(Set.of("m200", "m199"), slots.loadedIds());
    }

    @Test
    void referenceCountsNeverGoNegativeAndAClosedModelCannotBeAcquired() {
        FakeModel m = new FakeModel("z", log);
        RefCounted<FakeModel> ref = new RefCounted<>(m);
        assertTrue(ref.tryAcquire());
        ref.release();
        ref.release();
        assertTrue(m.closed);
        assertFalse(ref.tryAcquire());
        assertThrows(IllegalStateException.class, ref::release);
        assertSame(m, ref.get());
    }
}
