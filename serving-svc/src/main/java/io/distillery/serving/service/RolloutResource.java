package io.distillery.serving.service;

import io.distillery.schemas.RolloutCommand;
import io.distillery.schemas.RolloutEvent;
import io.distillery.serving.CommandRequest;
import io.distillery.serving.PredictRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The control plane: {@code GET /models}, {@code GET /rollouts} (open), and {@code POST /rollouts}
 * (bearer token), which writes a command to student.rollouts for the elected controller.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class RolloutResource {

    private final ServingService service;

    public RolloutResource(ServingService service) {
        this.service = service;
    }

    @GET
    @Path("models")
    @Operation(summary = "Checkpoints seen, with serving's and the trainer's metrics and their role (live, canary, shadow, previous)")
    public String models() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lineage", service.config().lineage());
        out.put("models", Views.models(service.cache(), service.view(), service.slots().roles(), service.slots().loadedIds()));
        return Views.write(out);
    }

    @GET
    @Path("rollouts")
    @Operation(summary = "The rollout state and the recent rollout events")
    public String rollouts() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lineage", service.config().lineage());
        out.put("state", Views.state(service.view().state()));
        out.put("served_here", Map.of("live", String.valueOf(service.slots().roles().live())));
        out.put("controller_here", service.controlling());
        out.put("events", service.view().recent().stream().map(Views::event).toList());
        return Views.write(out);
    }

    @POST
    @Path("rollouts")
    @Operation(summary = "Issue a rollout command (Authorization: Bearer <distillery.serving.control-token>)",
            description = "Body {\"action\": \"promote|canary|shadow|pin|unpin|rollback\", \"checkpoint_id\": ..., "
                    + "\"canary_fraction\": ..., \"reason\": ..., \"requested_by\": ...}. 202 with the command id, and the "
                    + "controller's event when it came within distillery.serving.command-wait.")
    public Response command(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body) {
        switch (ControlToken.check(service.config().controlToken(), authorization)) {
            case NOT_CONFIGURED -> {
                return json(503, Views.error("the control plane is off: set distillery.serving.control-token"));
            }
            case REFUSED -> {
                return Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"distillery\"")
                        .type(MediaType.APPLICATION_JSON).entity(Views.error("missing or wrong bearer token")).build();
            }
            default -> {
                // authenticated
            }
        }
        RolloutCommand command;
        try {
            command = CommandRequest.parse(body, service.config().lineage(), UUID.randomUUID().toString(), "rest", Instant.now());
        } catch (PredictRequest.Invalid e) {
            return json(400, Views.error(e.getMessage()));
        }
        try {
            service.send(command);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return json(503, Views.error("interrupted"));
        } catch (ExecutionException e) {
            return json(503, Views.error("cannot write the command: " + e.getCause()));
        }
        Optional<RolloutEvent> event = awaitEvent(command.getId());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("command_id", command.getId());
        out.put("event", event.map(Views::event).orElse(null));
        return json(202, Views.write(out));
    }

    private Optional<RolloutEvent> awaitEvent(String commandId) {
        long deadline = System.nanoTime() + service.config().commandWait().toNanos();
        while (true) {
            Optional<RolloutEvent> event = service.view().eventForCommand(commandId);
            if (event.isPresent() || System.nanoTime() > deadline) {
                return event;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    private static Response json(int status, String body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
