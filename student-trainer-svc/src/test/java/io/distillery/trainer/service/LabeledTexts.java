package io.distillery.trainer.service;

import io.distillery.datasets.LabelledSentence;
import io.distillery.datasets.UciSentiment;
import io.distillery.schemas.LabelOrigin;
import io.distillery.schemas.LabeledText;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * LabeledText records as the teacher-labeler writes them, for UCI sentences: logits of a
 * teacher that is usually right but not always, with varying confidence (margin 0.5 + |N(2, 1)|,
 * 8 % of them on the wrong side), label names, teacher id/version, temperature 1, the gold label
 * on originals (variant 0) and none on augmented variants.
 */
public final class LabeledTexts {

    private LabeledTexts() {
    }

    /** Record {@code i} of a seeded stream cycling through {@code sentences}. */
    public static LabeledText teacherLike(List<LabelledSentence> sentences, int i, Random random, Instant eventTime) {
        LabelledSentence s = sentences.get(i % sentences.size());
        float margin = (float) (0.5 + Math.abs(2 + random.nextGaussian()));
        boolean positive = s.label().equals("positive") ^ random.nextDouble() < 0.08;
        float noise = (float) (0.2 * random.nextGaussian());
        List<Float> logits = positive ? List.of(-margin / 2 + noise, margin / 2 + noise) : List.of(margin / 2 + noise, -margin / 2 + noise);
        int variant = i / sentences.size();
        String id = s.id() + "#" + variant;
        return LabeledText.newBuilder().setId(id).setParentId(s.id()).setText(s.text()).setLogits(logits)
                .setLabelNames(UciSentiment.LABELS).setTeacherId("e5-small-v2-linear").setTeacherVersion("test")
                .setTemperature(1f).setOrigin(LabelOrigin.AUGMENTED).setSource(s.source()).setEventTime(eventTime)
                .setLabeledAt(Instant.now()).setGoldLabel(variant == 0 ? s.label() : null).build();
    }

    /** Records {@code first}..{@code first+count-1} of the seeded stream (the same seed gives the same records). */
    public static List<LabeledText> stream(List<LabelledSentence> sentences, int first, int count, long seed) {
        Random random = new Random(seed);
        Instant start = Instant.now().minusSeconds(count);
        List<LabeledText> out = new ArrayList<>(count);
        for (int i = first; i < first + count; i++) {
            out.add(teacherLike(sentences, i, random, start.plusMillis(i - first)));
        }
        return out;
    }

    /**
     * Produces records {@code first}..{@code first+count-1} of the seeded stream (keyed by id, so
     * they spread over the partitions); waits for every acknowledgement and fails if any send failed.
     */
    public static void produce(TestPlatform platform, Topic<LabeledText> topic, RegistryConfig registry,
                               List<LabelledSentence> sentences, int first, int count, long seed) throws Exception {
        produce(platform, topic, registry, stream(sentences, first, count, seed));
    }

    public static void produce(TestPlatform platform, Topic<LabeledText> topic, RegistryConfig registry, List<LabeledText> texts)
            throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>(texts.size());
        try (Serializer<LabeledText> serializer = topic.valueSerde(registry).serializer();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(platform.clientProperties(), new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            for (LabeledText text : texts) {
                sent.add(producer.send(new ProducerRecord<>(topic.name(), text.getId().getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(topic.name(), text))));
            }
            producer.flush();
        }
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("producing " + topic.name() + " failed", e.getCause());
            }
        }
    }
}
