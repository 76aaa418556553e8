package io.distillery.topics;

import io.apicurio.registry.serde.avro.AvroSerde;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Builds the value serde of a catalogue topic. */
final class RegistrySerdes {

    private RegistrySerdes() {
    }

    @SuppressWarnings("unchecked")
    static <V> Serde<V> valueSerde(Topic<V> topic, RegistryConfig registry) {
        if (topic.valueFormat() == Topic.ValueFormat.BYTES) {
            return (Serde<V>) Serdes.ByteArray();
        }
        Map<String, Object> props = registry.serdeProperties();
        // Readers get the generated class of this topic (its own schema as reader schema).
        props.put("apicurio.registry.avro-datum-provider", SpecificRecordDatumProvider.class);
        props.put(SpecificRecordDatumProvider.READER_CLASS, topic.valueType());
        AvroSerde<org.apache.avro.specific.SpecificRecord> serde = new AvroSerde<>();
        serde.configure(props, false);
        return (Serde<V>) serde;
    }
}
