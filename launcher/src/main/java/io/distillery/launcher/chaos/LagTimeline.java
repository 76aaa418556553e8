package io.distillery.launcher.chaos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;

/**
 * Each consumer group's lag, sampled every few seconds while a load test runs, so the report can
 * say whether a produce rate was held (no group's lag keeps growing while it is produced) and
 * which stage limits the pipeline (the group whose lag grows fastest). Lag is counted in offsets,
 * so on topics written in transactions it includes their commit markers: an upper bound of the
 * records waiting, good for trends rather than exact counts.
 */
public final class LagTimeline implements Runnable, AutoCloseable {

    /** One sample: seconds since the start, the phase of the run then, and lag by group. */
    public record Sample(double atSeconds, String phase, Map<String, Long> lag) {
    }

    private final ConsumerLag consumerLag;
    private final Map<String, Object> clients;
    private final Supplier<String> phase;
    private final long intervalMillis;
    private final long started = System.nanoTime();
    private final List<Sample> samples = new ArrayList<>();
    private volatile boolean running = true;

    public LagTimeline(ConsumerLag consumerLag, Map<String, Object> clients, Supplier<String> phase, long intervalMillis) {
        this.consumerLag = consumerLag;
        this.clients = Map.copyOf(clients);
        this.phase = phase;
        this.intervalMillis = intervalMillis;
    }

    @Override
    public void run() {
        try (Admin admin = Admin.create(clients)) {
            while (running) {
                try {
                    String now = phase.get();
                    Map<String, Long> lag = consumerLag.byGroup(admin);
                    synchronized (samples) {
                        samples.add(new Sample(Math.round((System.nanoTime() - started) / 1e8) / 10.0, now, lag));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    // the broker may be restarting: skip this sample
                }
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() {
        running = false;
    }

    /**
     * What the samples say: peak lag per group; per group, how fast its lag grew over the second
     * half of the {@code steady} phase (least-squares slope, records/s: about zero when the rate is
     * held); the group that grew fastest (the limiting stage, if any grew); and whether every
     * group's growth stayed under {@code heldBelowPerSecond}.
     */
    public static Map<String, Object> summary(List<Sample> samples, double heldBelowPerSecond) {
        Map<String, Long> peak = new TreeMap<>();
        samples.forEach(s -> s.lag().forEach((group, lag) -> peak.merge(group, lag, Math::max)));
        List<Sample> steady = samples.stream().filter(s -> s.phase().equals("steady")).toList();
        List<Sample> secondHalf = steady.subList(steady.size() / 2, steady.size());
        Map<String, Double> growth = new TreeMap<>();
        for (String group : peak.keySet()) {
            List<double[]> points = secondHalf.stream().filter(s -> s.lag().containsKey(group))
                    .map(s -> new double[] {s.atSeconds(), s.lag().get(group)}).toList();
            if (points.size() >= 3) {
                growth.put(group, Math.round(slope(points) * 100) / 100.0);
            }
        }
        String limiting = growth.entrySet().stream().filter(e -> e.getValue() > heldBelowPerSecond)
                .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("peak", peak);
        summary.put("steady_growth_per_s", growth);
        summary.put("steady_rate_held", !growth.isEmpty() && limiting == null);
        summary.put("limiting_stage", limiting);
        return summary;
    }

    /** Least-squares slope of y over x. */
    static double slope(List<double[]> points) {
        double n = points.size();
        double sx = 0;
        double sy = 0;
        double sxy = 0;
        double sxx = 0;
        for (double[] p : points) {
            sx += p[0];
            sy += p[1];
            sxy += p[0] * p[1];
            sxx += p[0] * p[0];
        }
        double denominator = n * sxx - sx * sx;
        return denominator == 0 ? 0 : (n * sxy - sx * sy) / denominator;
    }
}
