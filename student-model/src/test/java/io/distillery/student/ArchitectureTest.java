package io.distillery.student;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.schemas.StudentKind;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @Test
    void bilstmDefaultsAreTangs() {
        Architecture a = Architecture.bilstm(30522, 2);
        assertEquals(300, a.hiddenSize());
        assertEquals(400, a.classifierHiddenSize());
        assertEquals(0.15f, a.dropout());
    }

    @Test
    void roundTripsThroughTheMap() {
        for (Architecture a : new Architecture[] {Architecture.mlp(100, 3).withDropout(0.25f),
                Architecture.bilstm(100, 2).withHiddenSize(32).withMaxLength(17)}) {
            Map<String, String> map = a.toMap();
            assertEquals(a, Architecture.fromMap(a.kind(), map));
        }
        assertFalse(Architecture.mlp(100, 2).toMap().containsKey(Architecture.CLASSIFIER_HIDDEN_SIZE));
        assertTrue(Architecture.bilstm(100, 2).toMap().containsKey(Architecture.CLASSIFIER_HIDDEN_SIZE));
    }

    @Test
    void refusesUnknownMissingAndBadKeys() {
        Map<String, String> map = new HashMap<>(Architecture.mlp(100, 2).toMap());
        map.put("attention_heads", "4");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Architecture.fromMap(StudentKind.BAG_OF_EMBEDDINGS_MLP, map));
        assertTrue(unknown.getMessage().contains("attention_heads"), unknown.getMessage());

        Map<String, String> missing = new HashMap<>(Architecture.bilstm(100, 2).toMap());
        missing.remove(Architecture.HIDDEN_SIZE);
        assertThrows(IllegalArgumentException.class, () -> Architecture.fromMap(StudentKind.BILSTM, missing));

        Map<String, String> bad = new HashMap<>(Architecture.bilstm(100, 2).toMap());
        bad.put(Architecture.DROPOUT, "lots");
        assertThrows(IllegalArgumentException.class, () -> Architecture.fromMap(StudentKind.BILSTM, bad));
        // an MLP map read as a BiLSTM lacks classifier_hidden_size
        assertThrows(IllegalArgumentException.class,
                () -> Architecture.fromMap(StudentKind.BILSTM, Architecture.mlp(100, 2).toMap()));
        assertThrows(IllegalArgumentException.class, () -> Architecture.mlp(100, 2).withDropout(1f));
    }
}
