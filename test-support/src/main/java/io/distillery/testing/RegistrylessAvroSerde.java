package io.distillery.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An Avro serde with the registry's framing (magic byte 0, 4-byte schema id) but no registry:
 * it writes id {@value #SCHEMA_ID} and reads with the class's own schema. For
 * {@code TopologyTestDriver} tests only, where the topology is tested and the registry is not;
 * integration tests use the real registry.
 */
public final class RegistrylessAvroSerde<T extends SpecificRecord> implements Serde<T> {

    public static final int SCHEMA_ID = 1;

    private final Class<T> type;

    public RegistrylessAvroSerde(Class<T> type) {
        this.type = type;
    }

    @Override
    public Serializer<T> serializer() {
        SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(type);
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(0);
                out.write(ByteBuffer.allocate(4).putInt(SCHEMA_ID).array());
                BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
                writer.write(value, encoder);
                encoder.flush();
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(type);
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (data.length < 5 || data[0] != 0) {
                throw new org.apache.kafka.common.errors.SerializationException("not registry-framed Avro");
            }
            try {
                BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, null);
                return reader.read(null, decoder);
            } catch (IOException | RuntimeException e) {
                throw new org.apache.kafka.common.errors.SerializationException("cannot read " + type.getSimpleName(), e);
            }
        };
    }
}
