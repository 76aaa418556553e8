package io.distillery.topics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.schemas.Prediction;
import io.distillery.schemas.RawText;
import io.distillery.testing.RealPlatform;
import io.distillery.testing.TestPlatform;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * The pattern every consuming service follows, on a real broker and registry: consume bytes,
 * decode record by record, route what cannot be decoded to {@code <topic>.dlq} with its reason
 * in the same transaction as the offsets, and keep going with the next good record.
 */
@RealPlatform
class DeadLetterRoutingIT {

    @Test
    void malformedRecordsLandInTheDeadLetterTopicWithTheirReasonAndGoodOnesFlowOn(TestPlatform platform) throws Exception {
        RegistryConfig registry = RegistryConfig.at(platform.registryUrl());
        Topic<RawText> raw = IntegrationClients.privateTopic(platform, Topics.TEXT_RAW);
        String deadLetterTopic = raw.deadLetterTopic().orElseThrow().name();

        byte[] plainJson = "{\"id\":\"j1\",\"text\":\"plain json\"}".getBytes(StandardCharsets.UTF_8);
        byte[] unknownSchemaId = {0, 0x00, 0x0f, 0x42, 0x40, 2, 3, 4}; // schema id 1,000,000
        byte[] otherSchema = predictionBytes(platform, registry);
        RawText good1 = RawText.newBuilder(SampleRecords.raw()).setId("good-1").build();
        RawText good2 = RawText.newBuilder(SampleRecords.raw()).setId("good-2").setText("still flowing").build();

        // All on partition 0, in this order, so "the next good one still flows" is about order.
        try (Serde<RawText> serde = raw.valueSerde(registry);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(platform.clientProperties(),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] good1Bytes = serde.serializer().serialize(raw.name(), good1);
            byte[] good2Bytes = serde.serializer().serialize(raw.name(), good2);
            for (byte[] value : List.of(plainJson, good1Bytes, unknownSchemaId, otherSchema, good2Bytes)) {
                producer.send(new ProducerRecord<>(raw.name(), 0, "k".getBytes(StandardCharsets.UTF_8), value)).get();
            }
            producer.send(new ProducerRecord<>(raw.name(), 0, null, null)).get();
        }

        List<RawText> processed = consumeRoutingFailures(platform, raw, registry, 2);
        assertEquals(List.of("good-1", "good-2"), processed.stream().map(RawText::getId).toList());

        List<ConsumerRecord<byte[], byte[]>> dead = IntegrationClients.readRaw(platform, deadLetterTopic, 4,
                raw.maxRecordBytes(), Duration.ofSeconds(30));
        dead.sort(java.util.Comparator.comparingLong(r -> Long.parseLong(header(r, DeadLetters.SOURCE_OFFSET))));
        assertEquals(List.of("0", "2", "3", "5"), dead.stream().map(r -> header(r, DeadLetters.SOURCE_OFFSET)).toList());
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            assertEquals(raw.name(), header(r, DeadLetters.SOURCE_TOPIC));
            assertEquals("0", header(r, DeadLetters.SOURCE_PARTITION));
            assertEquals("dead-letter-it", header(r, DeadLetters.SERVICE));
        }
        assertArrayEquals(plainJson, dead.get(0).value(), "the dead letter keeps the bytes as they came");
        assertTrue(header(dead.get(0), DeadLetters.REASON).startsWith("value is not registry-framed Avro (31 bytes, first byte 0x7b"),
                header(dead.get(0), DeadLetters.REASON));
        assertTrue(header(dead.get(1), DeadLetters.REASON).startsWith("cannot decode a RawText written with schema id 1000000: "
                + "registry answered 404"), header(dead.get(1), DeadLetters.REASON));
        assertTrue(header(dead.get(2), DeadLetters.REASON).contains("RawText"), header(dead.get(2), DeadLetters.REASON));
        assertArrayEquals(otherSchema, dead.get(2).value());
        assertEquals("null value (tombstone) where a RawText is expected", header(dead.get(3), DeadLetters.REASON));
    }

    /** A Prediction, framed for the registry: valid Avro, wrong record type for text.raw. */
    private static byte[] predictionBytes(TestPlatform platform, RegistryConfig registry) {
        Topic<Prediction> elsewhere = Topics.TEXT_PREDICTIONS.renamed(platform.uniqueName("text.predictions"));
        Prediction prediction = (Prediction) SampleRecords.oneOfEach().get(Topics.TEXT_PREDICTIONS);
        try (Serde<Prediction> serde = elsewhere.valueSerde(registry)) {
            return serde.serializer().serialize(elsewhere.name(), prediction);
        }
    }

    /** Consume-decode-route in transactions until {@code goodRecords} decoded, as a service would. */
    private static List<RawText> consumeRoutingFailures(TestPlatform platform, Topic<RawText> topic, RegistryConfig registry,
                                                        int goodRecords) {
        Map<String, Object> consumerProps = platform.clientProperties();
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, platform.uniqueName("dead-letter-it"));
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Object> producerProps = new HashMap<>(platform.clientProperties());
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, platform.uniqueName("dead-letter-it-tx"));
        List<RawText> processed = new ArrayList<>();
        try (RecordDecoder<RawText> decoder = new RecordDecoder<>(topic, registry);
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (processed.size() < goodRecords && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                if (batch.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    RecordDecoder.Decoded<RawText> decoded = decoder.decode(record);
                    if (decoded.ok()) {
                        processed.add(decoded.value());
                    } else {
                        producer.send(DeadLetters.deadLetter(record, "dead-letter-it", decoded.failure(), decoded.cause()));
                    }
                    offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
            }
        }
        return processed;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return DeadLetters.header(record.headers(), name).orElseThrow(() -> new AssertionError("no header " + name));
    }
}
