package io.distillery.augmenter.streams;

import io.distillery.augmenter.AugmenterSettings;
import io.distillery.service.Catalogue;
import io.distillery.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jboss.logging.Logger;

/** The augmenter's Kafka Streams topology, wired from configuration, and its thread failure handler; Quarkus runs them. */
@ApplicationScoped
public class TopologyProducer {

    private static final Logger LOG = Logger.getLogger(TopologyProducer.class);

    @Produces
    public Topology topology(Catalogue catalogue, AugmenterConfig config, MeterRegistry meters) {
        AugmenterSettings settings = config.settings();
        LOG.infof("augmenting %s into %s with %s", catalogue.topic(Topics.TEXT_RAW).name(),
                catalogue.topic(Topics.TEXT_AUGMENTED).name(), settings);
        return AugmenterTopology.build(AugmenterTopology.Parts.forDeployment(catalogue.prefix(), catalogue.registry(),
                settings, config.dictionarySnapshotInterval(), config.seed(), new MicrometerAugmenterMetrics(meters)));
    }

    /** Quarkus sets this on the KafkaStreams it runs: a schema registry outage replaces the thread, not stops it. */
    @Produces
    @Singleton
    public StreamsUncaughtExceptionHandler uncaughtExceptionHandler() {
        return new RegistryOutageHandler();
    }
}
