package io.distillery.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

    @Test
    void writesOrderedObjectsWithEscapedStringsAndTrimmedNumbers() {
        Map<String, Object> object = JsonWriter.object();
        object.put("name", "a \"quoted\"\nline");
        object.put("accuracy", 0.9646);
        object.put("ratio", 50.0);
        object.put("steps", 1200L);
        object.put("nan", Double.NaN);
        object.put("list", List.of(true, 0.5f));
        object.put("none", null);
        assertEquals("{\"name\":\"a \\\"quoted\\\"\\nline\",\"accuracy\":0.9646,\"ratio\":50,\"steps\":1200,\"nan\":null,"
                + "\"list\":[true,0.5],\"none\":null}", JsonWriter.write(object));
    }
}
