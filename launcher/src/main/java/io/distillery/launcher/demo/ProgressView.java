package io.distillery.launcher.demo;

import io.distillery.launcher.demo.PipelineWatcher.Promotion;
import io.distillery.launcher.demo.PipelineWatcher.Snapshot;
import io.distillery.launcher.demo.PipelineWatcher.Stage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The demo's terminal view and summary, computed from successive {@link Snapshot}s: totals per
 * stage, rates over the last ten seconds, checkpoints, the live student against the teacher,
 * escalation and freshness. Pure: no I/O, so it is unit-tested.
 */
public final class ProgressView {

    static final String DEV_ACCURACY = "dev_accuracy";
    static final String TEACHER_AGREEMENT = "teacher_agreement";
    private static final long WINDOW_NANOS = 10_000_000_000L;

    private final double teacherDevAccuracy;
    private final String teacherId;
    private final Deque<Snapshot> recent = new ArrayDeque<>();
    private Snapshot first;

    /**
     * @param teacherDevAccuracy the teacher's accuracy on the same gold dev set (NaN if unknown)
     */
    public ProgressView(String teacherId, double teacherDevAccuracy) {
        this.teacherId = teacherId;
        this.teacherDevAccuracy = teacherDevAccuracy;
    }

    /** Adds a snapshot (in time order). */
    public void add(Snapshot snapshot) {
        if (first == null) {
            first = snapshot;
        }
        recent.addLast(snapshot);
        while (recent.size() > 2 && snapshot.nanos() - recent.peekFirst().nanos() > WINDOW_NANOS) {
            recent.removeFirst();
        }
    }

    /** Records/s of a stage over the recent window. */
    public double rate(Stage stage) {
        if (recent.size() < 2) {
            return 0;
        }
        Snapshot oldest = recent.peekFirst();
        Snapshot newest = recent.peekLast();
        double seconds = (newest.nanos() - oldest.nanos()) / 1e9;
        return seconds <= 0 ? 0 : (newest.count(stage) - oldest.count(stage)) / seconds;
    }

    /** Escalated records per record the serving side handled (predicted by the student or escalated). */
    public static double escalationRate(Snapshot s) {
        long studentPredictions = Math.max(0, s.count(Stage.PREDICTIONS) - s.count(Stage.ESCALATED));
        long handled = studentPredictions + s.count(Stage.ESCALATED);
        return handled == 0 ? Double.NaN : (double) s.count(Stage.ESCALATED) / handled;
    }

    /** The lines to show, newest state. */
    public List<String> render(long producedRecords, double elapsedSeconds) {
        Snapshot s = recent.peekLast();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "distillery demo · %s elapsed · Ctrl-C stops", clock(elapsedSeconds)));
        lines.add(String.format(Locale.ROOT, "  %-13s %10s %9s", "stage", "records", "per s"));
        lines.add(row("produced", producedRecords, Double.NaN));
        lines.add(row("raw", s.count(Stage.RAW), rate(Stage.RAW)));
        lines.add(row("augmented", s.count(Stage.AUGMENTED), rate(Stage.AUGMENTED)));
        lines.add(row("labelled", s.count(Stage.LABELLED), rate(Stage.LABELLED)));
        lines.add(row("trained", s.trainedExamples(), Double.NaN) + "  (examples in the newest checkpoint)");
        lines.add(row("predicted", s.count(Stage.PREDICTIONS), rate(Stage.PREDICTIONS))
                + String.format(Locale.ROOT, "  escalated to the teacher: %s", percent(escalationRate(s))));
        lines.add(row("dead letters", s.deadLetters(), Double.NaN));
        lines.add(String.format(Locale.ROOT, "  checkpoints   %d published, %d promoted", s.checkpoints().size(), s.promotions().size()));
        lines.add(String.format(Locale.ROOT, "  live student  %s", live(s)));
        lines.add(String.format(Locale.ROOT, "  teacher       %s dev %s", teacherId, percent(teacherDevAccuracy)));
        OptionalDouble fresh = lastFreshnessSeconds(s);
        lines.add("  freshness     " + (fresh.isPresent()
                ? String.format(Locale.ROOT, "%.1f s from a raw record to a promoted student that learnt from it", fresh.getAsDouble())
                : "(after the first promotion that includes records of this run)"));
        return lines;
    }

    private String live(Snapshot s) {
        if (s.liveCheckpointId() == null) {
            return "none yet (every record is escalated to the teacher until one is promoted)";
        }
        double dev = s.liveMetrics().getOrDefault(DEV_ACCURACY, Double.NaN);
        return String.format(Locale.ROOT, "%s dev %s (%s of the teacher's), agreement with the teacher %s", shortId(s.liveCheckpointId()),
                percent(dev), percent(dev / teacherDevAccuracy), percent(s.liveMetrics().getOrDefault(TEACHER_AGREEMENT, Double.NaN)));
    }

    private static OptionalDouble lastFreshnessSeconds(Snapshot s) {
        for (int i = s.promotions().size() - 1; i >= 0; i--) {
            Long millis = s.promotions().get(i).freshnessMillis();
            if (millis != null) {
                return OptionalDouble.of(millis / 1000.0);
            }
        }
        return OptionalDouble.empty();
    }

    /** The run's summary as a JSON-ready map. */
    public Map<String, Object> summary(long producedRecords, double elapsedSeconds, List<String> processesLeft) {
        Snapshot s = recent.peekLast();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("duration_s", round(elapsedSeconds));
        summary.put("records_produced", producedRecords);
        Map<String, Object> stages = new LinkedHashMap<>();
        for (Stage stage : Stage.values()) {
            double seconds = (s.nanos() - first.nanos()) / 1e9;
            stages.put(stage.name().toLowerCase(Locale.ROOT), Map.of("records", s.count(stage),
                    "per_s", round(seconds > 0 ? (s.count(stage) - first.count(stage)) / seconds : 0)));
        }
        summary.put("stages", stages);
        summary.put("trained_examples", s.trainedExamples());
        summary.put("dead_letters", s.deadLetters());
        summary.put("escalation_rate", round(escalationRate(s)));
        summary.put("checkpoints_published", s.checkpoints().size());
        summary.put("checkpoints_promoted", s.promotions().size());
        List<Map<String, Object>> promoted = new ArrayList<>();
        for (Promotion p : s.promotions()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("checkpoint_id", p.checkpointId());
            entry.put("decided_by", p.decidedBy());
            entry.put("at", p.atMillis());
            s.checkpoints().stream().filter(c -> c.id().equals(p.checkpointId())).findFirst().ifPresent(c -> {
                entry.put("dev_accuracy", round(c.metrics().getOrDefault(DEV_ACCURACY, Double.NaN)));
                entry.put("teacher_agreement", round(c.metrics().getOrDefault(TEACHER_AGREEMENT, Double.NaN)));
                entry.put("examples", c.examples());
            });
            entry.put("freshness_s", p.freshnessMillis() == null ? null : round(p.freshnessMillis() / 1000.0));
            promoted.add(entry);
        }
        summary.put("promotions", promoted);
        Map<String, Object> live = new LinkedHashMap<>();
        live.put("checkpoint_id", s.liveCheckpointId());
        double dev = s.liveMetrics().getOrDefault(DEV_ACCURACY, Double.NaN);
        live.put("dev_accuracy", round(dev));
        live.put("teacher_agreement", round(s.liveMetrics().getOrDefault(TEACHER_AGREEMENT, Double.NaN)));
        live.put("dev_accuracy_over_teacher", round(dev / teacherDevAccuracy));
        summary.put("live", live);
        summary.put("best_promoted_dev_accuracy", round(s.promotions().stream()
                .flatMap(p -> s.checkpoints().stream().filter(c -> c.id().equals(p.checkpointId())))
                .mapToDouble(c -> c.metrics().getOrDefault(DEV_ACCURACY, Double.NaN)).filter(d -> !Double.isNaN(d))
                .max().orElse(Double.NaN)));
        Map<String, Object> teacher = new LinkedHashMap<>();
        teacher.put("id", teacherId);
        teacher.put("dev_accuracy", round(teacherDevAccuracy));
        summary.put("teacher", teacher);
        OptionalDouble fresh = lastFreshnessSeconds(s);
        summary.put("freshness_s", fresh.isPresent() ? round(fresh.getAsDouble()) : null);
        summary.put("min_freshness_s", s.promotions().stream().filter(p -> p.freshnessMillis() != null)
                .mapToDouble(p -> p.freshnessMillis() / 1000.0).min().stream().boxed().map(ProgressView::round).findFirst().orElse(null));
        summary.put("processes_left", processesLeft);
        return summary;
    }

    private static String row(String name, long records, double perSecond) {
        return String.format(Locale.ROOT, "  %-13s %,10d %9s", name, records, Double.isNaN(perSecond) ? "" : String.format(Locale.ROOT, "%.1f", perSecond));
    }

    static String percent(double fraction) {
        return Double.isNaN(fraction) || Double.isInfinite(fraction) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    private static String clock(double seconds) {
        long s = (long) seconds;
        return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }

    private static String shortId(String id) {
        return id.length() > 24 ? id.substring(0, 24) + "…" : id;
    }

    private static Double round(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? null : Math.round(value * 10_000) / 10_000.0;
    }
}
