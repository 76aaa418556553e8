package io.distillery.augmenter.streams;

import io.distillery.augmenter.AugmenterSettings;
import io.distillery.augmenter.PosTagger;
import io.distillery.augmenter.TextAnalyzer;
import io.distillery.schemas.RawText;
import io.distillery.service.Catalogue;
import io.distillery.topics.RawTextDecoder;
import io.distillery.topics.RecordDecoder;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.Topology;
import org.jboss.logging.Logger;

/** The augmenter's Kafka Streams topology, wired from configuration; Quarkus runs it. */
@ApplicationScoped
public class TopologyProducer {

    private static final Logger LOG = Logger.getLogger(TopologyProducer.class);

    @Produces
    public Topology topology(Catalogue catalogue, AugmenterConfig config, MeterRegistry meters) {
        AugmenterSettings settings = config.settings();
        Topic<RawText> raw = catalogue.topic(Topics.TEXT_RAW);
        LOG.infof("augmenting %s into %s with %s", raw.name(), catalogue.topic(Topics.TEXT_AUGMENTED).name(), settings);
        return AugmenterTopology.build(new AugmenterTopology.Parts(
                raw,
                catalogue.topic(Topics.TEXT_AUGMENTED),
                catalogue.topic(Topics.TEXT_AUGMENTED).valueSerde(catalogue.registry()),
                () -> new RawTextDecoder(new RecordDecoder<>(raw, catalogue.registry())),
                settings,
                TextAnalyzer.from(settings, PosTagger.english()),
                config.dictionarySnapshotInterval(),
                config.seed(),
                new MicrometerAugmenterMetrics(meters)));
    }
}
