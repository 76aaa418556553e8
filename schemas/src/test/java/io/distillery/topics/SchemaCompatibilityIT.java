package io.distillery.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.schemas.RawText;
import io.distillery.testing.RealPlatform;
import io.distillery.testing.TestPlatform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * Schemas evolve BACKWARD-compatibly, and the real registry enforces it: a consumer on the new
 * schema must read everything already in the topic.
 */
@RealPlatform
class SchemaCompatibilityIT {

    private static final String CONFLUENT_JSON = "application/vnd.schemaregistry.v1+json";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void registryAcceptsACompatibleChangeAndRefusesABreakingOne(TestPlatform platform) throws Exception {
        String subject = platform.uniqueName("compat") + "-value";
        Schema v1 = RawText.getClassSchema();
        Schema optionalField = withField(v1, new Schema.Field("language",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "ISO 639-1 language code, when known.", JsonProperties.NULL_VALUE));
        Schema requiredField = withField(v1, new Schema.Field("author", Schema.create(Schema.Type.STRING),
                "Who wrote the text.", null));
        Schema changedType = withType(v1, "event_time", Schema.create(Schema.Type.STRING));

        assertEquals("BACKWARD", compatibilityLevel(platform));
        assertEquals(200, register(platform, subject, v1).statusCode());

        HttpResponse<String> compatible = register(platform, subject, optionalField);
        assertEquals(200, compatible.statusCode(), "adding an optional field with a default: " + compatible.body());

        HttpResponse<String> missingDefault = register(platform, subject, requiredField);
        assertEquals(409, missingDefault.statusCode(), "adding a field without a default: " + missingDefault.body());
        assertTrue(missingDefault.body().contains("author"), missingDefault.body());

        HttpResponse<String> retyped = register(platform, subject, changedType);
        assertEquals(409, retyped.statusCode(), "changing a field's type: " + retyped.body());

        HttpResponse<String> versions = http.send(HttpRequest.newBuilder(
                URI.create(platform.confluentRegistryUrl() + "/subjects/" + subject + "/versions")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("[1,2]", versions.body().replace(" ", ""), "only the compatible versions were registered");
    }

    private String compatibilityLevel(TestPlatform platform) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(platform.confluentRegistryUrl() + "/config")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.replaceAll(".*\"compatibilityLevel\"\\s*:\\s*\"([A-Z_]+)\".*", "$1");
    }

    private HttpResponse<String> register(TestPlatform platform, String subject, Schema schema) throws Exception {
        String body = "{\"schema\":" + jsonString(schema.toString()) + "}";
        return http.send(HttpRequest.newBuilder(URI.create(platform.confluentRegistryUrl() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", CONFLUENT_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Schema withField(Schema schema, Schema.Field extra) {
        List<Schema.Field> fields = copyFields(schema, null, null);
        fields.add(extra);
        return record(schema, fields);
    }

    private static Schema withType(Schema schema, String field, Schema type) {
        return record(schema, copyFields(schema, field, type));
    }

    private static List<Schema.Field> copyFields(Schema schema, String retypedField, Schema newType) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            fields.add(new Schema.Field(f, f.name().equals(retypedField) ? newType : f.schema()));
        }
        return fields;
    }

    private static Schema record(Schema like, List<Schema.Field> fields) {
        return Schema.createRecord(like.getName(), like.getDoc(), like.getNamespace(), false, fields);
    }

    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
