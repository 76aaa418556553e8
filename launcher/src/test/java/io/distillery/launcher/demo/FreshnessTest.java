package io.distillery.launcher.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FreshnessTest {

    @Test
    void theNewestIncludedRawRecordSetsTheFreshness() {
        Freshness freshness = new Freshness();
        freshness.produced("a", 1_000);
        freshness.produced("b", 2_000);
        freshness.produced("c", 3_000);
        freshness.labelled(0, 10, "a#0");
        freshness.labelled(0, 12, "c#3"); // offset 11 was a transaction marker
        freshness.labelled(0, 13, "b#1"); // labelled out of produce order: still c is the newest up to here
        freshness.labelled(1, 5, "b#0");
        freshness.labelled(1, 6, "other#0"); // not ours: ignored

        assertEquals(OptionalLong.of(1_000), freshness.newestIncluded(Map.of(0, 11L)));
        assertEquals(OptionalLong.of(3_000), freshness.newestIncluded(Map.of(0, 13L)));
        assertEquals(OptionalLong.of(2_000), freshness.newestIncluded(Map.of(0, 10L, 1, 6L)), "only partition 1's b is included");
        assertEquals(OptionalLong.of(7_000), freshness.freshnessMillis(Map.of(0, 14L, 1, 100L), 10_000));
    }

    @Test
    void aCheckpointIncludingNoneOfOurRecordsHasNoFreshness() {
        Freshness freshness = new Freshness();
        freshness.produced("a", 1_000);
        freshness.labelled(0, 10, "a#0");
        freshness.labelled(0, 11, "no-variant-suffix");
        assertTrue(freshness.freshnessMillis(Map.of(0, 10L), 5_000).isEmpty());
        assertTrue(freshness.freshnessMillis(Map.of(3, 99L), 5_000).isEmpty());
        assertTrue(freshness.freshnessMillis(Map.of(), 5_000).isEmpty());
    }
}
