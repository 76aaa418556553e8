package io.distillery.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distillery.schemas.StudentCheckpoint;
import io.distillery.testing.RealPlatform;
import io.distillery.testing.TestPlatform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * Every record type goes through the catalogue's serdes, a real broker and a real registry and
 * comes back equal, framed as Confluent clients expect (magic byte 0, the ccompat schema id).
 */
@RealPlatform
class AvroRoundTripIT {

    private static final Pattern CCOMPAT_ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

    @Test
    void everyRecordTypeRoundTripsThroughItsCatalogueSerde(TestPlatform platform) throws Exception {
        RegistryConfig registry = RegistryConfig.at(platform.registryUrl());
        for (Map.Entry<Topic<?>, Object> sample : SampleRecords.oneOfEach().entrySet()) {
            roundTrip(platform, registry, sample.getKey(), sample.getValue());
        }
    }

    @Test
    void aTwentyMegabyteCheckpointFitsInOneRecord(TestPlatform platform) throws Exception {
        StudentCheckpoint big = SampleRecords.checkpoint(20 * 1024 * 1024);
        StudentCheckpoint back = roundTrip(platform, RegistryConfig.at(platform.registryUrl()), Topics.STUDENT_CHECKPOINTS, big);
        assertEquals(ByteBuffer.wrap(bytes(big.getWeights())), ByteBuffer.wrap(bytes(back.getWeights())));
    }

    private static <V> V roundTrip(TestPlatform platform, RegistryConfig registry, Topic<V> catalogued, Object sample)
            throws Exception {
        Topic<V> topic = IntegrationClients.privateTopic(platform, catalogued);
        V value = topic.valueType().cast(sample);
        Map<String, Object> producerProps = new HashMap<>(platform.clientProperties());
        producerProps.putAll(topic.producerOverrides());
        try (Serde<V> serde = topic.valueSerde(registry);
             KafkaProducer<String, V> producer = new KafkaProducer<>(producerProps, topic.keySerde().serializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), "key-1", value)).get();

            ConsumerRecord<byte[], byte[]> raw = IntegrationClients.readRaw(platform, topic.name(), 1,
                    topic.maxRecordBytes(), Duration.ofSeconds(30)).get(0);
            assertEquals("key-1", topic.keySerde().deserializer().deserialize(topic.name(), raw.key()));
            assertEquals(0, raw.value()[0], "magic byte");
            int wireId = ByteBuffer.wrap(raw.value(), 1, 4).getInt();
            assertEquals(ccompatId(platform, topic.name() + "-value"), wireId,
                    topic.name() + ": the wire id must be the id Confluent clients get from /apis/ccompat/v7");

            V back = serde.deserializer().deserialize(topic.name(), raw.value());
            assertEquals(value, back, topic.name());
            return back;
        }
    }

    private static int ccompatId(TestPlatform platform, String subject) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(platform.confluentRegistryUrl() + "/subjects/" + subject + "/versions/latest")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        Matcher m = CCOMPAT_ID.matcher(response.body());
        assertEquals(true, m.find(), response.body());
        return Integer.parseInt(m.group(1));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
