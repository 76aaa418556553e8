package io.distillery.teacher.service;

import io.distillery.teacher.TeacherMetrics;
import io.distillery.service.RateWindow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The labeller's meters on /q/metrics: throughput (sentences, and sentences/s over the last 10 s),
 * batch fill, queue size and consumer lag, and the teacher's confidence and entropy distribution
 * at the published temperature (seed 000: an over-confident teacher teaches little more than labels).
 */
public final class LabelingMetrics {


    private final MeterRegistry registry;
    private final int maxBatchSize;
    private final double temperature;
    private final DistributionSummary batchSize;
    private final DistributionSummary batchFill;
    private final DistributionSummary entropy;
    private final DistributionSummary confidence;
    private final Timer inference;
    private final Timer eventLag;
    private final Counter commits;
    private final Counter aborts;
    private final AtomicLong consumerLag = new AtomicLong();
    private final RateWindow window = new RateWindow(Duration.ofSeconds(10));

    public LabelingMetrics(MeterRegistry registry, int maxBatchSize, double temperature, Supplier<Number> queueSize) {
        this.registry = registry;
        this.maxBatchSize = maxBatchSize;
        this.temperature = temperature;
        batchSize = DistributionSummary.builder("distillery.teacher.batch.size").description("texts per batch labelled (those answered from memory included)")
                .publishPercentiles(0.5, 0.9).register(registry);
        batchFill = DistributionSummary.builder("distillery.teacher.batch.fill")
                .description("texts per batch labelled / max batch size").publishPercentiles(0.1, 0.5, 0.9).register(registry);
        entropy = DistributionSummary.builder("distillery.teacher.entropy").baseUnit("nats")
                .description("entropy of softmax(logits / T) at the published temperature")
                .tag("temperature", Double.toString(temperature))
                .publishPercentiles(0.1, 0.5, 0.9)
                .serviceLevelObjectives(0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.0, 1.5, 2.0)
                .register(registry);
        confidence = DistributionSummary.builder("distillery.teacher.confidence")
                .description("top-class probability of softmax(logits / T) at the published temperature")
                .tag("temperature", Double.toString(temperature))
                .publishPercentiles(0.1, 0.5, 0.9)
                .serviceLevelObjectives(0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
                .register(registry);
        inference = Timer.builder("distillery.teacher.inference").description("labelling one batch: the teacher call on the texts not answered from memory")
                .publishPercentiles(0.5, 0.9).register(registry);
        eventLag = Timer.builder("distillery.teacher.event.lag").description("labeled_at - event_time")
                .publishPercentiles(0.5, 0.9).register(registry);
        commits = registry.counter("distillery.teacher.transactions", "outcome", "committed");
        aborts = registry.counter("distillery.teacher.transactions", "outcome", "aborted");
        Gauge.builder("distillery.teacher.queue.size", queueSize).description("texts waiting for a batch")
                .register(registry);
        Gauge.builder("distillery.teacher.consumer.lag", consumerLag, AtomicLong::get)
                .description("records on the assigned partitions not yet consumed").register(registry);
        Gauge.builder("distillery.teacher.sentences.per.second", this, LabelingMetrics::rate)
                .description("sentences labelled per second over the last 10 s").register(registry);
    }

    public void batch(int size, long inferenceNanos) {
        batchSize.record(size);
        batchFill.record(size / (double) maxBatchSize);
        inference.record(inferenceNanos, TimeUnit.NANOSECONDS);
    }

    public void labeled(String origin, float[] logits, long eventLagMillis) {
        registry.counter("distillery.teacher.sentences", "origin", origin).increment();
        entropy.record(TeacherMetrics.entropy(logits, temperature));
        confidence.record(TeacherMetrics.confidence(logits, temperature));
        eventLag.record(Math.max(0, eventLagMillis), TimeUnit.MILLISECONDS);
    }

    public void deadLettered(String topic, String category) {
        registry.counter("distillery.teacher.dead.letters", "topic", topic, "category", category).increment();
    }

    public void committed(int sentences) {
        commits.increment();
        window.record(sentences);
    }

    public void aborted() {
        aborts.increment();
    }

    public void consumerLag(long records) {
        consumerLag.set(records);
    }

    double rate() {
        return window.perSecond();
    }
}
