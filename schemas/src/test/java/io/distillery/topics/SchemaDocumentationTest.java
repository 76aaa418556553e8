package io.distillery.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/** Every schema a user sees is documented: each record, enum and field says what it means. */
class SchemaDocumentationTest {

    @Test
    void everyRecordEnumAndFieldHasADoc() {
        List<String> undocumented = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        for (Topic<?> topic : Topics.dataTopics()) {
            collectUndocumented(SpecificData.get().getSchema(topic.valueType()), undocumented, visited);
        }
        assertTrue(visited.size() >= 8, "walked " + visited);
        assertEquals(List.of(), undocumented);
    }

    private static void collectUndocumented(Schema schema, List<String> undocumented, Set<String> visited) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!visited.add(schema.getFullName())) {
                    return;
                }
                if (isBlank(schema.getDoc())) {
                    undocumented.add(schema.getFullName());
                }
                for (Schema.Field field : schema.getFields()) {
                    if (isBlank(field.doc())) {
                        undocumented.add(schema.getFullName() + "." + field.name());
                    }
                    collectUndocumented(field.schema(), undocumented, visited);
                }
            }
            case ENUM -> {
                if (visited.add(schema.getFullName()) && isBlank(schema.getDoc())) {
                    undocumented.add(schema.getFullName());
                }
            }
            case ARRAY -> collectUndocumented(schema.getElementType(), undocumented, visited);
            case MAP -> collectUndocumented(schema.getValueType(), undocumented, visited);
            case UNION -> schema.getTypes().forEach(t -> collectUndocumented(t, undocumented, visited));
            default -> {
                // primitives carry no doc of their own
            }
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
