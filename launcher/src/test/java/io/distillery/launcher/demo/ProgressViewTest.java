package io.distillery.launcher.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.launcher.demo.PipelineWatcher.Checkpoint;
import io.distillery.launcher.demo.PipelineWatcher.Promotion;
import io.distillery.launcher.demo.PipelineWatcher.Snapshot;
import io.distillery.launcher.demo.PipelineWatcher.Stage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressViewTest {

    private static Snapshot snapshot(long seconds, long raw, long predictions, long escalated, List<Checkpoint> checkpoints,
                                     List<Promotion> promotions, String live) {
        return new Snapshot(seconds * 1_000_000_000L, Map.of(Stage.RAW, raw, Stage.AUGMENTED, raw * 5, Stage.LABELLED, raw * 4,
                Stage.PREDICTIONS, predictions, Stage.ESCALATED, escalated), 2, checkpoints, promotions, live,
                live == null ? Map.of() : Map.of("dev_accuracy", 0.9, "teacher_agreement", 0.95));
    }

    @Test
    void ratesComeFromTheRecentWindowAndTheSummaryNamesTheLiveStudentAgainstTheTeacher() {
        ProgressView view = new ProgressView("uci-e5", 0.96);
        Checkpoint first = new Checkpoint("ckpt-1", 1_000, 640, Map.of("dev_accuracy", 0.85), Map.of(0, 10L));
        Checkpoint second = new Checkpoint("ckpt-2", 2_000, 1280, Map.of("dev_accuracy", 0.9, "teacher_agreement", 0.95), Map.of(0, 20L));
        view.add(snapshot(0, 0, 0, 0, List.of(), List.of(), null));
        view.add(snapshot(10, 100, 80, 20, List.of(first), List.of(), null));
        view.add(snapshot(12, 120, 100, 20, List.of(first, second),
                List.of(new Promotion("ckpt-2", 2_500, "auto", 41_500L)), "ckpt-2"));

        assertEquals(10.0, view.rate(Stage.RAW), 1e-9, "120 records over the last 12 s window... minus the dropped first");
        List<String> lines = view.render(130, 12.5);
        String all = String.join("\n", lines);
        assertTrue(all.contains("00:12 elapsed"), all);
        assertTrue(all.contains("ckpt-2 dev 90.0% (93.8% of the teacher's)"), all);
        assertTrue(all.contains("41.5 s from a raw record"), all);
        assertTrue(all.contains("escalated to the teacher: 20.0%"), all);

        Map<String, Object> summary = view.summary(130, 12.5, List.of());
        assertEquals(2, summary.get("checkpoints_published"));
        assertEquals(1, summary.get("checkpoints_promoted"));
        assertEquals(0.9, summary.get("best_promoted_dev_accuracy"));
        assertEquals(41.5, summary.get("freshness_s"));
        assertEquals(1280L, summary.get("trained_examples"));
        @SuppressWarnings("unchecked")
        Map<String, Object> live = (Map<String, Object>) summary.get("live");
        assertEquals(0.9375, live.get("dev_accuracy_over_teacher"));
    }

    @Test
    void beforeAnyPromotionTheViewSaysSo() {
        ProgressView view = new ProgressView("uci-e5", Double.NaN);
        view.add(snapshot(0, 0, 0, 0, List.of(), List.of(), null));
        String all = String.join("\n", view.render(0, 1));
        assertTrue(all.contains("none yet"), all);
        assertTrue(all.contains("dev n/a"), all);
        assertEquals(null, view.summary(0, 1, List.of()).get("freshness_s"));
    }
}
