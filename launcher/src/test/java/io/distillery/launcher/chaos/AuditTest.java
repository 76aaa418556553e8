package io.distillery.launcher.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditTest {

    @Test
    void exactlyOnceNamesWhatWasLostDuplicatedOrUnexpected() {
        ExactlyOnceAudit audit = ExactlyOnceAudit.of(List.of("a", "b", "c", "d"), List.of("a", "b", "b", "d", "x"));
        assertEquals(List.of("c"), audit.lost());
        assertEquals(List.of("b"), audit.duplicated());
        assertEquals(List.of("x"), audit.unexpected());
        assertFalse(audit.clean());
        assertTrue(ExactlyOnceAudit.of(List.of("a", "b"), List.of("b", "a")).clean());
    }

    @Test
    void aChildCheckpointBehindItsParentOrWithABadHashIsReported() {
        CheckpointAudit audit = CheckpointAudit.of(List.of(
                new CheckpointAudit.Entry("c1", null, 10, Map.of("t-0", 100L, "t-1", 50L), true),
                new CheckpointAudit.Entry("c2", "c1", 20, Map.of("t-0", 140L, "t-1", 50L), true),
                new CheckpointAudit.Entry("c3", "c2", 20, Map.of("t-0", 130L, "t-1", 60L), false),
                new CheckpointAudit.Entry("c2", "c1", 20, Map.of("t-0", 140L, "t-1", 50L), true)));
        assertEquals(3, audit.checked());
        assertEquals(1, audit.republished());
        assertEquals(List.of("c3"), audit.corrupt());
        assertEquals(List.of("c3: 20 steps after its parent's 20", "c3: t-0 at 130, its parent was at 140"), audit.regressions());
    }
}
