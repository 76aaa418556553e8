package io.distillery.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.schemas.RolloutAction;
import io.distillery.schemas.RolloutCommand;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestsTest {

    private static String refusal(String body) {
        return assertThrows(PredictRequest.Invalid.class, () -> PredictRequest.parse(body, 3, 20)).getMessage();
    }

    @Test
    void predictAcceptsOneTextOrAFewTexts() throws Exception {
        assertEquals(List.of("great"), PredictRequest.parse("{\"text\":\"great\"}", 3, 20).texts());
        assertEquals(List.of("a", "b"), PredictRequest.parse("{\"texts\":[\"a\",\"b\"]}", 3, 20).texts());
    }

    @Test
    void predictRefusalsSayWhatIsWrong() {
        assertTrue(refusal("").startsWith("empty body"));
        assertTrue(refusal("{\"text\":").startsWith("malformed JSON"));
        assertTrue(refusal("[1]").contains("JSON object"));
        assertTrue(refusal("{}").contains("exactly one of"));
        assertTrue(refusal("{\"text\":\"a\",\"texts\":[\"b\"]}").contains("exactly one of"));
        assertTrue(refusal("{\"text\":5}").contains("must be a string"));
        assertTrue(refusal("{\"text\":\"  \"}").contains("empty"));
        assertTrue(refusal("{\"texts\":[]}").contains("empty"));
        assertTrue(refusal("{\"texts\":[\"a\",\"b\",\"c\",\"d\"]}").contains("at most 3"));
        assertTrue(refusal("{\"texts\":[\"a\",1]}").contains("must be a string"));
        assertTrue(refusal("{\"text\":\"" + "x".repeat(21) + "\"}").contains("at most 20"));
    }

    private static RolloutCommand command(String body) throws PredictRequest.Invalid {
        return CommandRequest.parse(body, "mlp", "id-1", "rest", Instant.EPOCH);
    }

    @Test
    void commandsBecomeRolloutCommandsOfTheServedLineage() throws Exception {
        RolloutCommand canary = command("{\"action\":\"canary\",\"checkpoint_id\":\"c1\",\"canary_fraction\":0.1,\"reason\":\"try\"}");
        assertEquals(RolloutAction.CANARY, canary.getAction());
        assertEquals("c1", canary.getCheckpointId());
        assertEquals(0.1, canary.getCanaryFraction());
        assertEquals("mlp", canary.getLineage());
        assertEquals("rest", canary.getRequestedBy());
        assertEquals("try", canary.getReason());
        RolloutCommand rollback = command("{\"action\":\"ROLLBACK\",\"requested_by\":\"alice\"}");
        assertEquals(RolloutAction.ROLLBACK, rollback.getAction());
        assertNull(rollback.getCheckpointId());
        assertEquals("alice", rollback.getRequestedBy());
    }

    @Test
    void malformedCommandsAreRefused() {
        for (String body : List.of("", "nope", "{}", "{\"action\":\"explode\"}", "{\"action\":\"promote\"}",
                "{\"action\":\"canary\",\"checkpoint_id\":\"c\"}", "{\"action\":\"canary\",\"checkpoint_id\":\"c\",\"canary_fraction\":2}",
                "{\"action\":\"pin\",\"checkpoint_id\":\"c\"}", "{\"action\":\"promote\",\"checkpoint_id\":\"c\",\"canary_fraction\":0.5}",
                "{\"action\":\"pin\",\"lineage\":\"other\"}")) {
            assertThrows(PredictRequest.Invalid.class, () -> command(body), body);
        }
    }
}
