package io.distillery.topics;

import io.apicurio.registry.serde.avro.AvroDatumProvider;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * How our serdes turn Avro bytes into generated classes: the writer's schema comes from the
 * registry, the reader's is the generated class's own, so a consumer reads data written with
 * an older or newer (compatible) schema as the schema it was built with. The class is handed
 * over as a {@link Class} object, never looked up by name: by-name lookups pick the wrong class
 * loader inside Quarkus and Kafka Streams threads.
 */
public final class SpecificRecordDatumProvider<T extends SpecificRecord> implements AvroDatumProvider<T> {

    /** Serde property carrying the generated class (a {@link Class}) this provider reads into. */
    static final String READER_CLASS = "distillery.avro.reader-class";

    private SpecificData model;
    private Schema readerSchema;

    @Override
    @SuppressWarnings("unchecked")
    public void configure(AvroSerdeConfig config) {
        Object type = config.originals().get(READER_CLASS);
        if (!(type instanceof Class<?> c) || !SpecificRecord.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException(READER_CLASS + " must be a generated Avro class, was " + type);
        }
        // Nested types (enums, records) are looked up by name: in the loader of the class we were
        // given, with the logical-type conversions (timestamps as Instant) of its generated model.
        this.model = new SpecificData(c.getClassLoader());
        SpecificData.getForClass((Class<T>) c).getConversions().forEach(model::addLogicalTypeConversion);
        this.readerSchema = model.getSchema(c);
    }

    @Override
    public DatumWriter<T> createDatumWriter(T data, Schema schema) {
        return new SpecificDatumWriter<>(schema, model);
    }

    @Override
    public DatumReader<T> createDatumReader(Schema writerSchema) {
        return new SpecificDatumReader<>(writerSchema, readerSchema, model);
    }

    @Override
    public Schema toSchema(T data) {
        return data.getSchema();
    }
}
