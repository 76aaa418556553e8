package io.distillery.augmenter.streams;

import io.distillery.datasets.LabelledSentence;
import io.distillery.schemas.RawText;
import io.distillery.testing.TestPlatform;
import io.distillery.topics.RegistryConfig;
import io.distillery.topics.Topic;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;

/** Test input: labelled sentences produced into a raw-text topic as Avro RawText, keyed by id. */
final class RawTexts {

    private RawTexts() {
    }

    static void produce(TestPlatform platform, Topic<RawText> raw, List<LabelledSentence> sentences) {
        try (Serde<RawText> serde = raw.valueSerde(RegistryConfig.at(platform.registryUrl()));
             KafkaProducer<String, RawText> producer = new KafkaProducer<>(platform.clientProperties(), new StringSerializer(),
                     serde.serializer())) {
            for (LabelledSentence s : sentences) {
                producer.send(new ProducerRecord<>(raw.name(), s.id(), RawText.newBuilder().setId(s.id()).setText(s.text())
                        .setSource(s.source()).setEventTime(Instant.now()).setGoldLabel(s.label()).build()));
            }
        }
    }
}
