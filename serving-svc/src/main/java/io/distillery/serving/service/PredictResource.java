package io.distillery.serving.service;

import io.distillery.serving.ModelSlots;
import io.distillery.serving.PredictRequest;
import io.distillery.serving.Routing;
import io.distillery.serving.Scored;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/** {@code POST /predict}: a few texts answered synchronously by the live student (open, no auth). */
@Path("/predict")
public class PredictResource {

    private final ServingService service;

    public PredictResource(ServingService service) {
        this.service = service;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Predict with the live student",
            description = "Body {\"text\": \"...\"} or {\"texts\": [...]} (at most distillery.serving.predict-max-texts). "
                    + "400 for a malformed body, 503 while no checkpoint is live. below_escalation_threshold says the "
                    + "stream would have sent the text to the teacher.")
    public Response predict(@RequestBody(description = "{\"text\": \"...\"} or {\"texts\": [\"...\"]}") String body) {
        long started = System.nanoTime();
        ServingConfig config = service.config();
        PredictRequest request;
        try {
            request = PredictRequest.parse(body, config.predictMaxTexts(), config.maxTextChars());
        } catch (PredictRequest.Invalid e) {
            return Response.status(400).type(MediaType.APPLICATION_JSON).entity(Views.error(e.getMessage())).build();
        }
        try (ModelSlots.Lease<StudentModel> lease = service.slots().lease()) {
            StudentModel live = lease.live();
            if (live == null) {
                return Response.status(503).type(MediaType.APPLICATION_JSON)
                        .entity(Views.error("no student checkpoint is live yet")).build();
            }
            List<Scored> answers = live.predict(request.texts());
            List<Map<String, Object>> predictions = new ArrayList<>();
            for (int i = 0; i < answers.size(); i++) {
                Scored s = answers.get(i);
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("text", request.texts().get(i));
                p.put("label", s.label());
                p.put("confidence", s.confidence());
                p.put("probabilities", s.probabilities());
                p.put("below_escalation_threshold", Routing.escalate(s.confidence(), config.escalationThreshold()));
                predictions.add(p);
            }
            long nanos = System.nanoTime() - started;
            service.metrics().restLatency(nanos);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("checkpoint_id", live.id());
            out.put("latency_ms", nanos / 1e6);
            out.put("predictions", predictions);
            return Response.ok(Views.write(out), MediaType.APPLICATION_JSON).build();
        }
    }
}
