package io.distillery.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.kiota.ApiException;
import io.distillery.schemas.Prediction;
import io.distillery.schemas.RawText;
import java.io.EOFException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.avro.AvroTypeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/** The reasons a record is refused, checked without a broker or registry. */
class RecordDecoderTest {

    /** Stands in for the registry deserializer: these cases must be refused before reaching it, or by it. */
    private static final class ScriptedDeserializer implements Deserializer<Object> {
        Object answer;
        RuntimeException failure;
        int calls;

        @Override
        public Object deserialize(String topic, byte[] data) {
            calls++;
            if (failure != null) {
                throw failure;
            }
            return answer;
        }
    }

    private final ScriptedDeserializer registry = new ScriptedDeserializer();

    @SuppressWarnings("unchecked")
    private final RecordDecoder<RawText> decoder =
            new RecordDecoder<>(Topics.TEXT_RAW, (Deserializer<RawText>) (Deserializer<?>) registry);

    @Test
    void plainTextIsRefusedWithItsFirstByteWithoutAskingTheRegistry() {
        RecordDecoder.Decoded<RawText> decoded = decoder.decode("text.raw", "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8));
        assertFalse(decoded.ok());
        assertEquals("value is not registry-framed Avro (13 bytes, first byte 0x7b; expected magic byte 0x00 and a "
                + "4-byte schema id) where a RawText is expected", decoded.failure());
        assertEquals(0, registry.calls);
    }

    @Test
    void nullAndTooShortValuesAreRefused() {
        assertEquals("null value (tombstone) where a RawText is expected", decoder.decode("text.raw", null).failure());
        assertTrue(decoder.decode("text.raw", new byte[] {0, 0, 1}).failure().startsWith("value is not registry-framed Avro (3 bytes"));
        assertTrue(decoder.decode("text.raw", new byte[0]).failure().startsWith("value is not registry-framed Avro (0 bytes"));
        assertEquals(0, registry.calls);
    }

    @Test
    void aRegistryFailureNamesTheSchemaIdAndTheRootCause() {
        registry.failure = new SerializationException("outer", new IllegalStateException("No content with id: 4711"));
        RecordDecoder.Decoded<RawText> decoded = decoder.decode("text.raw", new byte[] {0, 0, 0, 0x12, 0x67, 1, 2});
        assertEquals("cannot decode a RawText written with schema id 4711: IllegalStateException (No content with id: 4711)",
                decoded.failure());
        assertTrue(decoded.cause() instanceof SerializationException);
    }

    @Test
    void aRecordOfAnotherSchemaIsRefused() {
        registry.answer = Prediction.newBuilder().setId("x").setText("t").setLabel("l").setProbabilities(java.util.Map.of())
                .setConfidence(1).setRoute(io.distillery.schemas.PredictionRoute.STUDENT).setLatencyMs(0).setEventTime(java.time.Instant.EPOCH).setPredictedAt(java.time.Instant.EPOCH)
                .build();
        RecordDecoder.Decoded<RawText> decoded = decoder.decode("text.raw", new byte[] {0, 0, 0, 0, 7, 1});
        assertEquals("record of type io.distillery.schemas.Prediction where a RawText is expected", decoded.failure());
    }

    @Test
    void aGoodRecordIsReturned() {
        RawText raw = SampleRecords.raw();
        registry.answer = raw;
        RecordDecoder.Decoded<RawText> decoded = decoder.decode("text.raw", new byte[] {0, 0, 0, 0, 7, 1});
        assertTrue(decoded.ok());
        assertEquals(raw, decoded.value());
    }

    @Test
    void aRegistryThatCannotBeAskedIsThrownNotReturned() {
        // as Apicurio wraps a refused connection: cache(RuntimeException(ExecutionException(ConnectException)))
        registry.failure = new RuntimeException(new RuntimeException(new ExecutionException(new ConnectException("Connection refused"))));
        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                () -> decoder.decode("text.raw", new byte[] {0, 0, 0, 0x12, 0x67, 1, 2}));
        assertEquals("the schema registry is unavailable: cannot decode a RawText of text.raw written with schema id 4711 now: "
                + "ConnectException (Connection refused)", e.getMessage());
        assertTrue(RegistryUnavailableException.isTransient(new IllegalStateException("wrapped by a framework", e)));
    }

    @Test
    void transientMeansTheRegistryCouldNotBeAskedNotThatTheRecordIsBad() {
        assertTrue(RegistryUnavailableException.isTransient(new RuntimeException(new ExecutionException(new ConnectException("refused")))));
        assertTrue(RegistryUnavailableException.isTransient(new SerializationException(new SocketException("Connection reset"))));
        assertTrue(RegistryUnavailableException.isTransient(new RuntimeException(new SocketTimeoutException("Read timed out"))));
        assertTrue(RegistryUnavailableException.isTransient(new RuntimeException(new HttpTimeoutException("request timed out"))));
        assertTrue(RegistryUnavailableException.isTransient(new RuntimeException(new ExecutionException(new TimeoutException("timeout")))));
        assertTrue(RegistryUnavailableException.isTransient(new RuntimeException(status(503))));
        assertTrue(RegistryUnavailableException.isTransient(new RuntimeException(status(500))));
        assertTrue(RegistryUnavailableException.isTransient(status(429)));

        assertFalse(RegistryUnavailableException.isTransient(new RuntimeException(status(404))), "an unknown schema id is the record's");
        assertFalse(RegistryUnavailableException.isTransient(new RuntimeException(status(401))));
        assertFalse(RegistryUnavailableException.isTransient(new UncheckedIOException(new EOFException())), "a truncated Avro body");
        assertFalse(RegistryUnavailableException.isTransient(new AvroTypeException("Found string, expecting int")));
        assertFalse(RegistryUnavailableException.isTransient(new IllegalStateException("No content with id: 4711")));
    }

    /** A Kiota API exception with a response status, as the registry client raises for an error answer. */
    private static ApiException status(int code) {
        return new ApiException("the server returned " + code) {
            {
                setResponseStatusCode(code);
            }
        };
    }
}
