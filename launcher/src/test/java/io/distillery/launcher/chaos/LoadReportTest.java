package io.distillery.launcher.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.launcher.chaos.LagTimeline.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadReportTest {

    @Test
    void aGroupWhoseLagKeepsGrowingWhileTheRateIsSteadyIsTheLimitingStage() {
        List<Sample> samples = new ArrayList<>();
        for (int t = 0; t <= 100; t += 10) {
            // the teacher falls behind by 3 records/s; the trainer's lag saws up and down with its checkpoints
            samples.add(new Sample(t, "steady", Map.of("teacher", 3L * t, "trainer", t % 20 == 0 ? 5L : 40L)));
        }
        samples.add(new Sample(110, "burst", Map.of("teacher", 900L, "trainer", 60L)));
        samples.add(new Sample(120, "drain", Map.of("teacher", 0L, "trainer", 0L)));

        Map<String, Object> summary = LagTimeline.summary(samples, 1.0);

        assertEquals(Map.of("teacher", 900L, "trainer", 60L), summary.get("peak"));
        @SuppressWarnings("unchecked")
        Map<String, Double> growth = (Map<String, Double>) summary.get("steady_growth_per_s");
        assertEquals(3.0, growth.get("teacher"));
        assertTrue(Math.abs(growth.get("trainer")) < 1.0, "trainer growth " + growth.get("trainer"));
        assertEquals("teacher", summary.get("limiting_stage"));
        assertEquals(false, summary.get("steady_rate_held"));
    }

    @Test
    void aRateIsHeldWhenNoGroupsLagGrowsInTheSecondHalfOfTheSteadyPhase() {
        List<Sample> samples = new ArrayList<>();
        for (int t = 0; t <= 100; t += 10) {
            // a backlog built at start-up (models loading) and then worked off does not count against the rate
            samples.add(new Sample(t, "steady", Map.of("teacher", t < 50 ? 10L * t : 20L)));
        }
        Map<String, Object> summary = LagTimeline.summary(samples, 1.0);
        assertEquals(true, summary.get("steady_rate_held"));
        assertNull(summary.get("limiting_stage"));
    }

    @Test
    void tooFewSamplesSayNothingIsHeld() {
        Map<String, Object> summary = LagTimeline.summary(List.of(new Sample(0, "steady", Map.of("teacher", 0L))), 1.0);
        assertEquals(false, summary.get("steady_rate_held"));
    }

    @Test
    void onlyErrorLinesWrittenSinceTheStartAreCounted(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("teacher-labeler-svc.log");
        Files.writeString(log, "2026-11-22 02:45:40,933 ERROR [x] (main) before the run\n");
        LogErrors errors = new LogErrors(Map.of("teacher-labeler-svc", log));
        Files.writeString(log, """
                2026-11-22 02:46:00,000 INFO  [x] (main) an ERROR_RATE metric is not an error
                [2026-11-22 02:46:01,000] ERROR [ControllerApis nodeId=1] broker style
                2026-11-22 02:46:02,000 ERROR [io.distillery] (loop) service style
                """, java.nio.file.StandardOpenOption.APPEND);

        assertEquals(2, errors.total());
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) errors.report().get("teacher-labeler-svc");
        assertEquals(2, entry.get("count"));
        assertEquals(2, ((List<?>) entry.get("first")).size());
    }
}
