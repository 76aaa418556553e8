package io.distillery.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    @Test
    void keepsEverythingUntilFullThenStaysBounded() {
        ReplayBuffer<Integer> buffer = new ReplayBuffer<>(100, 1);
        for (int i = 0; i < 100; i++) {
            buffer.offer(i);
        }
        assertEquals(100, buffer.size());
        assertEquals(List.of(0, 1, 2), buffer.contents().subList(0, 3));
        for (int i = 100; i < 10_000; i++) {
            buffer.offer(i);
        }
        assertEquals(100, buffer.size());
        assertEquals(10_000, buffer.seen());
    }

    /** Reservoir property: every item of the stream is kept with probability capacity / n, early or late. */
    @Test
    void isAUniformSampleOfTheWholeStream() {
        int capacity = 100;
        int n = 1_000;
        int trials = 2_000;
        long[] kept = new long[n / 100]; // per tenth of the stream
        for (int t = 0; t < trials; t++) {
            ReplayBuffer<Integer> buffer = new ReplayBuffer<>(capacity, t);
            for (int i = 0; i < n; i++) {
                buffer.offer(i);
            }
            for (int item : buffer.contents()) {
                kept[item / 100]++;
            }
        }
        // expected per tenth: trials * capacity / 10 = 20,000; binomial sd ~ 134
        for (int tenth = 0; tenth < kept.length; tenth++) {
            assertEquals(20_000, kept[tenth], 700, "tenth " + tenth + " kept " + kept[tenth]);
        }
    }

    @Test
    void samplesAreDistinctAndBounded() {
        ReplayBuffer<Integer> buffer = new ReplayBuffer<>(50, 3);
        assertTrue(buffer.sample(10).isEmpty());
        for (int i = 0; i < 30; i++) {
            buffer.offer(i);
        }
        List<Integer> sample = buffer.sample(20);
        assertEquals(20, sample.size());
        assertEquals(20, new HashSet<>(sample).size());
        assertEquals(30, buffer.sample(1000).size());
        ReplayBuffer<Integer> none = new ReplayBuffer<>(0, 3);
        none.offer(1);
        assertEquals(0, none.size());
        assertEquals(1, none.seen());
    }

    @Test
    void replayCountMakesTheConfiguredShareOfTheBatch() {
        TrainerSettings s = TrainerSettings.defaults().withReplay(1000, 0.2);
        assertEquals(8, s.replayCount(32)); // 8 / 40 = 20%
        assertEquals(0, TrainerSettings.defaults().withReplay(1000, 0).replayCount(32));
        assertEquals(32, TrainerSettings.defaults().withReplay(1000, 0.5).replayCount(32));
    }
}
