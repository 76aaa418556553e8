package io.distillery.augmenter.streams;

import io.distillery.augmenter.Augmenter;
import io.distillery.augmenter.AugmenterSettings;
import io.distillery.augmenter.PosDictionary;
import io.distillery.augmenter.RecordSeeds;
import io.distillery.augmenter.TaggedText;
import io.distillery.augmenter.Variant;
import io.distillery.schemas.AugmentationOperation;
import io.distillery.schemas.AugmentedText;
import io.distillery.schemas.RawText;
import io.distillery.topics.DeadLetters;
import io.distillery.topics.RawTextDecoder;
import io.distillery.topics.RecordDecoder;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Augments one raw record into its variants. Each stream task keeps its own POS dictionary,
 * learnt from its partition and snapshotted into a changelogged store: no locking between
 * threads, and a replayed record meets the dictionary its task had (hash-partitioned ids give
 * every partition a representative sample, so the dictionaries converge to the same words).
 */
final class AugmentProcessor implements Processor<byte[], byte[], Object, Object> {

    static final String SERVICE = "augmenter-svc";
    private static final String DICTIONARY_KEY = "dictionary";

    private final AugmenterTopology.Parts parts;
    private final AugmenterSettings settings;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, byte[]> store;
    private RawTextDecoder decoder;
    private PosDictionary dictionary;
    private Augmenter augmenter;
    private boolean dictionaryChanged;

    AugmentProcessor(AugmenterTopology.Parts parts) {
        this.parts = parts;
        this.settings = parts.settings();
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.store = context.getStateStore(AugmenterTopology.DICTIONARY_STORE);
        this.decoder = parts.decoders().get();
        byte[] snapshot = store.get(DICTIONARY_KEY);
        this.dictionary = snapshot != null
                ? PosDictionary.fromBytes(snapshot)
                : PosDictionary.from(settings, parts.seed() ^ context.taskId().partition());
        this.augmenter = new Augmenter(settings, dictionary);
        context.schedule(parts.dictionarySnapshotInterval(), PunctuationType.WALL_CLOCK_TIME, now -> snapshot());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata at = context.recordMetadata().orElseThrow();
        RecordDecoder.Decoded<RawText> decoded = decoder.decode(
                new RawTextDecoder.Position(at.topic(), at.partition(), at.offset(), record.key(), record.timestamp()),
                record.value());
        if (!decoded.ok()) {
            deadLetter(record, at, "undecodable", decoded.failure(), decoded.cause());
            return;
        }
        RawText raw = decoded.value();
        String text = raw.getText();
        if (text.isBlank()) {
            deadLetter(record, at, "empty", "empty text", null);
            return;
        }
        if (text.length() > settings.maxTextChars()) {
            deadLetter(record, at, "too_long",
                    "text of " + text.length() + " chars exceeds max_text_chars=" + settings.maxTextChars(), null);
            return;
        }
        List<Variant> variants;
        try {
            TaggedText tagged = parts.analyzer().analyze(raw.getText());
            if (tagged.size() == 0) {
                deadLetter(record, at, "no_tokens", "text has no tokens after normalisation", null);
                return;
            }
            dictionary.learn(tagged);
            dictionaryChanged = true;
            variants = augmenter.augment(tagged, raw.getSource(), RecordSeeds.randomFor(raw.getId(), parts.seed()));
        } catch (RuntimeException e) {
            // A bug or a pathological text must not stop the partition: keep the record, say why.
            deadLetter(record, at, "failed", "augmentation failed: " + e, e);
            return;
        }
        for (Variant variant : variants) {
            AugmentedText out = toAvro(raw, variant);
            context.forward(new Record<>(out.getId(), out, record.timestamp()), AugmenterTopology.AUGMENTED_SINK);
        }
        parts.metrics().augmented(raw.getSource(), variants.size() - 1);
    }

    private static AugmentedText toAvro(RawText raw, Variant variant) {
        return AugmentedText.newBuilder()
                .setId(raw.getId() + "#" + variant.index())
                .setParentId(raw.getId())
                .setVariant(variant.index())
                .setText(variant.text())
                .setOperations(variant.operations().stream().map(op -> AugmentationOperation.valueOf(op.name())).toList())
                .setSource(raw.getSource())
                .setEventTime(raw.getEventTime())
                .setGoldLabel(variant.isOriginal() ? raw.getGoldLabel() : null)
                .build();
    }

    /** {@code category} is a short fixed word for metrics; {@code reason} the full sentence for the header. */
    private void deadLetter(Record<byte[], byte[]> record, RecordMetadata at, String category, String reason, Throwable cause) {
        var headers = DeadLetters.headers(record.headers(), at.topic(), at.partition(), at.offset(), SERVICE, reason, cause);
        context.forward(new Record<Object, Object>(record.key(), record.value(), context.currentSystemTimeMs(), headers),
                AugmenterTopology.DEAD_LETTER_SINK);
        parts.metrics().deadLettered(category);
    }

    private void snapshot() {
        if (dictionaryChanged) {
            store.put(DICTIONARY_KEY, dictionary.toBytes());
            dictionaryChanged = false;
        }
    }

    @Override
    public void close() {
        decoder.close();
    }
}
