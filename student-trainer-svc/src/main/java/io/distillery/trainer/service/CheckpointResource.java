package io.distillery.trainer.service;

import io.distillery.schemas.PartitionOffset;
import io.distillery.schemas.StudentCheckpoint;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * {@code POST /checkpoints}: publish a checkpoint now (201 with its summary once it is on
 * student.checkpoints); {@code GET /checkpoints/latest}: the last one published or resumed from.
 */
@Path("/checkpoints")
@Produces(MediaType.APPLICATION_JSON)
public class CheckpointResource {

    private final StudentTrainerService service;

    public CheckpointResource(StudentTrainerService service) {
        this.service = service;
    }

    @POST
    public Response checkpoint() {
        TrainingLoop loop = service.loop();
        if (loop == null) {
            return error(503, "the trainer has not started");
        }
        try {
            StudentCheckpoint checkpoint = loop.requestCheckpoint().get(120, TimeUnit.SECONDS);
            return Response.status(201).entity(summary(checkpoint)).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(503, "interrupted");
        } catch (TimeoutException e) {
            return error(504, "no checkpoint within 120 s");
        } catch (ExecutionException e) {
            return error(503, String.valueOf(e.getCause()));
        }
    }

    @GET
    @Path("/latest")
    public Response latest() {
        TrainingLoop loop = service.loop();
        return loop == null || loop.lastCheckpoint().isEmpty() ? error(404, "no checkpoint yet")
                : Response.ok(summary(loop.lastCheckpoint().get())).build();
    }

    static String summary(StudentCheckpoint c) {
        String offsets = c.getTrainingPosition().getOffsets().stream()
                .map(o -> String.format(Locale.ROOT, "{\"topic\":%s,\"partition\":%d,\"offset\":%d}",
                        quote(o.getTopic().toString()), o.getPartition(), o.getOffset()))
                .collect(Collectors.joining(","));
        String metrics = c.getMetrics().entrySet().stream()
                .map(e -> quote(e.getKey().toString()) + ":"
                        + (Double.isFinite(e.getValue()) ? e.getValue().toString() : "null"))
                .collect(Collectors.joining(","));
        return String.format(Locale.ROOT, "{\"id\":%s,\"lineage\":%s,\"parent_id\":%s,\"steps\":%d,\"examples\":%d,"
                        + "\"offsets\":[%s],\"metrics\":{%s},\"weights_bytes\":%d,\"created_at\":%s}",
                quote(c.getId().toString()), quote(c.getLineage().toString()),
                c.getParentId() == null ? "null" : quote(c.getParentId().toString()), c.getTrainingPosition().getSteps(),
                c.getTrainingPosition().getExamples(), offsets, metrics, c.getWeights().remaining(),
                quote(c.getCreatedAt().toString()));
    }

    private static Response error(int status, String message) {
        return Response.status(status).entity("{\"error\":" + quote(message) + "}").build();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
