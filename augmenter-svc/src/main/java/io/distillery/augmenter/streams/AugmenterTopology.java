package io.distillery.augmenter.streams;

import io.distillery.augmenter.AugmenterSettings;
import io.distillery.augmenter.TextAnalyzer;
import io.distillery.schemas.AugmentedText;
import io.distillery.schemas.RawText;
import io.distillery.augmenter.PosTagger;
import io.distillery.topics.RawTextDecoder;
import io.distillery.topics.RecordDecoder;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topics;
import io.distillery.topics.Topic;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * text.raw ─► augment ─► text.augmented, with unreadable or unusable raw records going to
 * text.raw.dlq. One processor node: it decodes (Avro, JSON or plain text), checks, tags, learns
 * the POS dictionary of its task and augments. Raw bytes in, so a bad record is a dead letter,
 * never a crashed stream thread. A schema registry that cannot be asked is not the record's
 * fault: the decoder throws, and {@link RegistryOutageHandler} replaces the thread, which reads the
 * record again from the last commit.
 */
public final class AugmenterTopology {

    public static final String DICTIONARY_STORE = "pos-dictionary";
    static final String SOURCE = "raw-text";
    static final String PROCESSOR = "augment";
    static final String AUGMENTED_SINK = "augmented-text";
    static final String DEAD_LETTER_SINK = "raw-text-dead-letters";

    /** A dictionary snapshot can reach a few hundred kB; its changelog must take it in one record. */
    static final int DICTIONARY_MAX_RECORD_BYTES = 8 * 1024 * 1024;

    private AugmenterTopology() {
    }

    /** Everything the topology needs; the Quarkus producer and the tests each build one. */
    public record Parts(
            Topic<RawText> raw,
            Topic<AugmentedText> augmented,
            Serde<AugmentedText> augmentedSerde,
            Supplier<RawTextDecoder> decoders,
            AugmenterSettings settings,
            TextAnalyzer analyzer,
            Duration dictionarySnapshotInterval,
            long seed,
            AugmenterMetrics metrics) {

        /** The parts for a real deployment: catalogue topics under {@code prefix}, serdes from the registry. */
        public static Parts forDeployment(String prefix, RegistryConfig registry, AugmenterSettings settings,
                                          Duration dictionarySnapshotInterval, long seed, AugmenterMetrics metrics) {
            Topic<RawText> raw = Topics.TEXT_RAW.withPrefix(prefix);
            Topic<AugmentedText> augmented = Topics.TEXT_AUGMENTED.withPrefix(prefix);
            return new Parts(raw, augmented, augmented.valueSerde(registry),
                    () -> new RawTextDecoder(new RecordDecoder<>(raw, registry)),
                    settings, TextAnalyzer.from(settings, PosTagger.english()),
                    dictionarySnapshotInterval, seed, metrics);
        }
    }

    public static Topology build(Parts parts) {
        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), parts.raw().name());
        topology.addProcessor(PROCESSOR, () -> new AugmentProcessor(parts), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(DICTIONARY_STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of("max.message.bytes", Integer.toString(DICTIONARY_MAX_RECORD_BYTES))),
                PROCESSOR);
        topology.addSink(AUGMENTED_SINK, parts.augmented().name(), Serdes.String().serializer(),
                parts.augmentedSerde().serializer(), PROCESSOR);
        topology.addSink(DEAD_LETTER_SINK, parts.raw().deadLetterTopic().orElseThrow().name(),
                Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), PROCESSOR);
        return topology;
    }
}
