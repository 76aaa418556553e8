package io.distillery.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.schemas.RolloutAction;
import io.distillery.schemas.RolloutCommand;
import java.time.Instant;
import java.util.Locale;

/**
 * The body of {@code POST /rollouts}, e.g. {@code {"action": "canary", "checkpoint_id": "...",
 * "canary_fraction": 0.1, "reason": "..."}}, turned into a {@link RolloutCommand}. Only the shape
 * is checked here; whether the command makes sense in the current state is the controller's call
 * (a REFUSED event says why not).
 */
public final class CommandRequest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CommandRequest() {
    }

    public static RolloutCommand parse(String body, String lineage, String commandId, String defaultRequester, Instant now)
            throws PredictRequest.Invalid {
        if (body == null || body.isBlank()) {
            throw new PredictRequest.Invalid("empty body: send {\"action\": \"promote|canary|shadow|pin|unpin|rollback\", ...}");
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new PredictRequest.Invalid("malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new PredictRequest.Invalid("the body must be a JSON object");
        }
        String actionName = text(node, "action");
        if (actionName == null) {
            throw new PredictRequest.Invalid("\"action\" is required: promote, canary, shadow, pin, unpin or rollback");
        }
        RolloutAction action;
        try {
            action = RolloutAction.valueOf(actionName.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new PredictRequest.Invalid("unknown action \"" + actionName + "\": promote, canary, shadow, pin, unpin or rollback");
        }
        String checkpoint = text(node, "checkpoint_id");
        boolean needsCheckpoint = action == RolloutAction.PROMOTE || action == RolloutAction.CANARY || action == RolloutAction.SHADOW;
        if (needsCheckpoint && (checkpoint == null || checkpoint.isBlank())) {
            throw new PredictRequest.Invalid(action.name().toLowerCase(Locale.ROOT) + " needs \"checkpoint_id\"");
        }
        if (!needsCheckpoint && checkpoint != null) {
            throw new PredictRequest.Invalid(action.name().toLowerCase(Locale.ROOT) + " takes no \"checkpoint_id\"");
        }
        Double fraction = null;
        JsonNode f = node.get("canary_fraction");
        if (action == RolloutAction.CANARY) {
            if (f == null || !f.isNumber() || !(f.doubleValue() > 0 && f.doubleValue() <= 1)) {
                throw new PredictRequest.Invalid("canary needs \"canary_fraction\", a number in (0, 1]");
            }
            fraction = f.doubleValue();
        } else if (f != null && !f.isNull()) {
            throw new PredictRequest.Invalid("\"canary_fraction\" applies to canary only");
        }
        String requestedLineage = text(node, "lineage");
        if (requestedLineage != null && !requestedLineage.equals(lineage)) {
            throw new PredictRequest.Invalid("this service rolls out lineage " + lineage + ", not " + requestedLineage);
        }
        String by = text(node, "requested_by");
        String reason = text(node, "reason");
        return RolloutCommand.newBuilder().setId(commandId).setLineage(lineage).setAction(action)
                .setCheckpointId(needsCheckpoint ? checkpoint.trim() : null).setCanaryFraction(fraction)
                .setRequestedBy(by == null || by.isBlank() ? defaultRequester : by)
                .setReason(reason == null ? "" : reason).setRequestedAt(now).build();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.isTextual() ? value.textValue() : value.toString();
    }
}
