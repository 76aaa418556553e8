package io.distillery.serving.service;

import io.distillery.serving.AgreementWindow;
import io.distillery.serving.Roles;
import io.distillery.service.RateWindow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Serving's meters on /q/metrics (answers per second, latency, escalation fraction, shadow and
 * canary agreement with live, which checkpoint plays which role, dead letters), and a small
 * in-memory history of them for the dashboard.
 */
public final class ServingMetrics {

    /** One point of the dashboard's time series. */
    public record Sample(long atMillis, double answersPerSecond, double meanLatencyMs, double escalationFraction,
                         double shadowAgreement, double canaryAgreement, String liveCheckpointId) {
    }

    private static final int HISTORY = 720; // an hour at one sample per 5 s

    private final MeterRegistry registry;
    private final RateWindow answers = new RateWindow(Duration.ofSeconds(10));
    private final AgreementWindow escalated;
    private final AgreementWindow shadowAgreement;
    private final AgreementWindow canaryAgreement;
    private final Timer streamLatency;
    private final Timer restLatency;
    private final MultiGauge roles;
    private final DoubleAdder latencySum = new DoubleAdder();
    private final LongAdder latencyCount = new LongAdder();
    private final ArrayDeque<Sample> history = new ArrayDeque<>();
    private volatile Roles served = Roles.NONE;

    public ServingMetrics(MeterRegistry registry, int agreementWindow) {
        this.registry = registry;
        escalated = new AgreementWindow(agreementWindow);
        shadowAgreement = new AgreementWindow(agreementWindow);
        canaryAgreement = new AgreementWindow(agreementWindow);
        streamLatency = Timer.builder("distillery.serving.latency").tag("path", "stream")
                .description("from polling a raw text to its prediction or escalation being ready").register(registry);
        restLatency = Timer.builder("distillery.serving.latency").tag("path", "rest")
                .description("POST /predict, parse to answer").register(registry);
        Gauge.builder("distillery.serving.answers.per.second", answers, RateWindow::perSecond)
                .description("raw texts answered or escalated per second over the last 10 s").register(registry);
        Gauge.builder("distillery.serving.escalation.fraction", escalated, AgreementWindow::fraction)
                .description("fraction of recent raw texts sent to the teacher").register(registry);
        Gauge.builder("distillery.serving.shadow.agreement", shadowAgreement, AgreementWindow::fraction)
                .description("fraction of recent texts on which the shadow candidate's label equals live's").register(registry);
        Gauge.builder("distillery.serving.canary.agreement", canaryAgreement, AgreementWindow::fraction)
                .description("fraction of recent canary-routed texts on which the canary's label equals live's").register(registry);
        roles = MultiGauge.builder("distillery.serving.checkpoint.role")
                .description("1 for each checkpoint this replica serves, tagged with its role").register(registry);
    }

    public void answered(String role, int count) {
        if (count > 0) {
            registry.counter("distillery.serving.predictions", "role", role).increment(count);
        }
    }

    public void escalation(String reason, boolean escalatedText) {
        escalated.record(escalatedText);
        if (escalatedText) {
            registry.counter("distillery.serving.escalations", "reason", reason).increment();
        }
    }

    public void streamLatency(double millis) {
        streamLatency.record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
        latencySum.add(millis);
        latencyCount.increment();
    }

    public void restLatency(long nanos) {
        restLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void committed(int records) {
        answers.record(records);
    }

    public void shadowAgreed(boolean agreed) {
        shadowAgreement.record(agreed);
    }

    public void canaryAgreed(boolean agreed) {
        canaryAgreement.record(agreed);
    }

    public void deadLettered(String reason) {
        registry.counter("distillery.serving.dead.letters", "reason", reason).increment();
    }

    public void rolloutEvent(String kind) {
        registry.counter("distillery.serving.rollout.events", "kind", kind).increment();
    }

    /** The roles now served; agreement windows restart when their candidate changes. */
    public void served(Roles now) {
        Roles before = served;
        if (!java.util.Objects.equals(before.shadow(), now.shadow()) || !java.util.Objects.equals(before.live(), now.live())) {
            shadowAgreement.reset();
        }
        if (!java.util.Objects.equals(before.canary(), now.canary()) || !java.util.Objects.equals(before.live(), now.live())) {
            canaryAgreement.reset();
        }
        served = now;
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (String id : now.ids()) {
            rows.add(MultiGauge.Row.of(Tags.of("checkpoint", id, "role", now.roleOf(id)), 1));
        }
        roles.register(rows, true);
    }

    public double answersPerSecond() {
        return answers.perSecond();
    }

    public double escalationFraction() {
        return escalated.fraction();
    }

    public double shadowAgreement() {
        return shadowAgreement.fraction();
    }

    public double canaryAgreement() {
        return canaryAgreement.fraction();
    }

    /** Takes one history point (called every few seconds). */
    public void sample() {
        long n = latencyCount.sumThenReset();
        double sum = latencySum.sumThenReset();
        Sample s = new Sample(System.currentTimeMillis(), answers.perSecond(), n == 0 ? Double.NaN : sum / n,
                escalated.fraction(), shadowAgreement.fraction(), canaryAgreement.fraction(), served.live());
        synchronized (history) {
            history.addLast(s);
            while (history.size() > HISTORY) {
                history.removeFirst();
            }
        }
    }

    public List<Sample> history() {
        synchronized (history) {
            return new ArrayList<>(history);
        }
    }
}
