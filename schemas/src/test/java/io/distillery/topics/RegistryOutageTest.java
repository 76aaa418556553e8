package io.distillery.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.distillery.schemas.RawText;
import io.distillery.testing.LoopbackPorts;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A registry that cannot be asked is not bad data: Apicurio's real deserializer against a closed
 * loopback port, and against a tiny HTTP server on loopback standing in for the registry (no
 * broker). Apicurio's cache logs an ERROR for each failed lookup; that is expected here.
 */
class RegistryOutageTest {

    private static final int SCHEMA_ID = 4711;

    private HttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aClosedRegistryPortIsAnOutageNotBadData() {
        int closed = LoopbackPorts.free(1).get(0);
        try (RecordDecoder<RawText> decoder = decoderAt("http://127.0.0.1:" + closed)) {
            RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                    () -> decoder.decode("text.raw", framed(SampleRecords.raw())));
            assertEquals("the schema registry is unavailable: cannot decode a RawText of text.raw written with schema id 4711 "
                    + "now: ConnectException (Connection refused)", e.getMessage());

            // a value that is not registry-framed never gets as far as the registry: still bad data
            RecordDecoder.Decoded<RawText> unframed = decoder.decode("text.raw", "{\"text\":1}".getBytes(StandardCharsets.UTF_8));
            assertTrue(unframed.failure().startsWith("value is not registry-framed Avro"), unframed.failure());
        }
    }

    @Test
    void aRegistryAnswering5xxOr429IsAnOutage() throws IOException {
        for (int status : new int[] {500, 503, 429}) {
            String url = registry(exchange -> answer(exchange, status, "{\"status\":" + status + ",\"title\":\"not now\"}"));
            try (RecordDecoder<RawText> decoder = decoderAt(url)) {
                RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                        () -> decoder.decode("text.raw", framed(SampleRecords.raw())), "status " + status);
                assertTrue(e.getMessage().contains("schema id 4711"), e.getMessage());
            }
            stopServer();
        }
    }

    @Test
    void anUnknownSchemaIdIsBadData() throws IOException {
        String url = registry(exchange -> answer(exchange, 404,
                "{\"status\":404,\"title\":\"No content with id: 4711\",\"name\":\"ContentNotFoundException\"}"));
        try (RecordDecoder<RawText> decoder = decoderAt(url)) {
            RecordDecoder.Decoded<RawText> decoded = decoder.decode("text.raw", framed(SampleRecords.raw()));
            assertEquals("cannot decode a RawText written with schema id 4711: registry answered 404: No content with id: 4711",
                    decoded.failure());
        }
    }

    @Test
    void aTruncatedBodyIsBadDataThoughItFailsWithAnIoException() throws IOException {
        // The registry knows the schema; the record's Avro body ends early. Avro reports that as an
        // EOFException (an IOException): about the record, not the network.
        String url = registry(exchange -> answer(exchange, 200, exchange.getRequestURI().getPath().endsWith("/references")
                ? "[]" : RawText.getClassSchema().toString()));
        try (RecordDecoder<RawText> decoder = decoderAt(url)) {
            byte[] whole = framed(SampleRecords.raw());
            assertEquals(SampleRecords.raw(), decoder.decode("text.raw", whole).value(), "the stand-in serves the schema");

            RecordDecoder.Decoded<RawText> truncated = decoder.decode("text.raw", Arrays.copyOf(whole, whole.length / 2));
            assertFalse(truncated.ok());
            assertTrue(truncated.failure().startsWith("cannot decode a RawText written with schema id 4711: EOFException"),
                    truncated.failure());
            assertTrue(causes(truncated.cause(), EOFException.class));
        }
    }

    private static RecordDecoder<RawText> decoderAt(String url) {
        return new RecordDecoder<>(Topics.TEXT_RAW, RegistryConfig.at(url));
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    /** Starts the registry stand-in on a free loopback port; returns its URL. */
    private String registry(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                handler.handle(exchange);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    /** The record as our serializer frames it: magic byte 0, the 4-byte schema id, the Avro body. */
    private static byte[] framed(RawText raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, 0, 0, (byte) (SCHEMA_ID >> 8), (byte) SCHEMA_ID});
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(RawText.class).write(raw, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static boolean causes(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
