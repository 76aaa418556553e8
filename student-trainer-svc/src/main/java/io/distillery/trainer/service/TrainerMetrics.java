package io.distillery.trainer.service;

import io.distillery.service.RateWindow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The trainer's meters on /q/metrics: examples/s (last 10 s), steps, loss, dev accuracy, teacher
 * agreement, checkpoints published and their size, dead letters, consumer lag.
 */
public final class TrainerMetrics {


    private final MeterRegistry registry;
    private final Counter examples;
    private final Counter steps;
    private final Counter rehearsalSteps;
    private final Counter checkpoints;
    private final DistributionSummary checkpointBytes;
    private final AtomicReference<Double> loss = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> devAccuracy = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> agreement = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> learningRate = new AtomicReference<>(Double.NaN);
    private final AtomicLong lag = new AtomicLong();
    private final RateWindow window = new RateWindow(Duration.ofSeconds(10));

    public TrainerMetrics(MeterRegistry registry, String lineage) {
        this.registry = registry;
        examples = Counter.builder("distillery.trainer.examples").tag("lineage", lineage)
                .description("fresh examples trained on").register(registry);
        steps = Counter.builder("distillery.trainer.steps").tag("lineage", lineage).description("optimiser steps")
                .register(registry);
        rehearsalSteps = Counter.builder("distillery.trainer.rehearsal.steps").tag("lineage", lineage)
                .description("optimiser steps on replayed examples alone (included in distillery.trainer.steps)").register(registry);
        checkpoints = Counter.builder("distillery.trainer.checkpoints").tag("lineage", lineage)
                .description("checkpoints published").register(registry);
        checkpointBytes = DistributionSummary.builder("distillery.trainer.checkpoint.size").baseUnit("bytes").tag("lineage", lineage)
                .description("size of published checkpoint records").register(registry);
        Gauge.builder("distillery.trainer.loss", loss, AtomicReference::get).tag("lineage", lineage)
                .description("batch loss, moving average").register(registry);
        Gauge.builder("distillery.trainer.dev.accuracy", devAccuracy, AtomicReference::get).tag("lineage", lineage)
                .description("accuracy on the gold dev set at the last evaluation").register(registry);
        Gauge.builder("distillery.trainer.teacher.agreement", agreement, AtomicReference::get).tag("lineage", lineage)
                .description("fraction of recent examples where student argmax == teacher argmax").register(registry);
        Gauge.builder("distillery.trainer.learning.rate", learningRate, AtomicReference::get).tag("lineage", lineage)
                .register(registry);
        Gauge.builder("distillery.trainer.consumer.lag", lag, AtomicLong::get).tag("lineage", lineage)
                .description("records on text.labeled not yet consumed").register(registry);
        Gauge.builder("distillery.trainer.examples.per.second", this, TrainerMetrics::rate).tag("lineage", lineage)
                .description("fresh examples trained per second over the last 10 s").register(registry);
    }

    public void stepped(int fresh, double lossAverage, double teacherAgreement, double accuracy, double lr) {
        steps.increment();
        examples.increment(fresh);
        loss.set(lossAverage);
        agreement.set(teacherAgreement);
        devAccuracy.set(accuracy);
        learningRate.set(lr);
        window.record(fresh);
    }

    public void rehearsed(double lossAverage, double accuracy, double lr) {
        steps.increment();
        rehearsalSteps.increment();
        loss.set(lossAverage);
        devAccuracy.set(accuracy);
        learningRate.set(lr);
    }

    public void checkpointed(int bytes) {
        checkpoints.increment();
        checkpointBytes.record(bytes);
    }

    public void deadLettered(String reason) {
        registry.counter("distillery.trainer.dead.letters", "reason", reason).increment();
    }

    public void consumerLag(long records) {
        lag.set(records);
    }

    public double rate() {
        return window.perSecond();
    }
}
