package io.distillery.augmenter.streams;

import io.micrometer.core.instrument.MeterRegistry;

/** Counters on /q/metrics: inputs and variants per source, dead letters per category. */
final class MicrometerAugmenterMetrics implements AugmenterMetrics {

    private final MeterRegistry registry;

    MicrometerAugmenterMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void augmented(String source, int variants) {
        registry.counter("distillery.augmenter.inputs", "source", source).increment();
        registry.counter("distillery.augmenter.variants", "source", source).increment(variants);
    }

    @Override
    public void deadLettered(String category) {
        registry.counter("distillery.augmenter.dead.letters", "category", category).increment();
    }
}
