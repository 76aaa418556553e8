package io.distillery.serving.service;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /dashboard}: a static page (META-INF/resources/dashboard/index.html, plots drawn in plain
 * SVG by its own script) fed by {@code /dashboard/data}: checkpoint history with metrics and roles,
 * the rollout events, and the serving time series (throughput, latency, escalation, agreement).
 */
@Path("/dashboard")
public class DashboardResource {

    private final ServingService service;

    public DashboardResource(ServingService service) {
        this.service = service;
    }

    @GET
    public Response page() {
        return Response.seeOther(URI.create("/dashboard/index.html")).build();
    }

    @GET
    @Path("data")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Everything the dashboard plots")
    public String data() {
        ServingMetrics metrics = service.metrics();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lineage", service.config().lineage());
        out.put("state", Views.state(service.view().state()));
        out.put("live_checkpoint_id", service.view().state().getLiveCheckpointId());
        out.put("served_here", service.slots().roles().live());
        out.put("controller_here", service.controlling());
        out.put("escalation_threshold", service.config().escalationThreshold());
        out.put("models", Views.models(service.cache(), service.view(), service.slots().roles(), service.slots().loadedIds()));
        out.put("events", service.view().recent().stream().map(Views::event).toList());
        Map<String, Object> now = new LinkedHashMap<>();
        now.put("answers_per_second", Views.finite(metrics.answersPerSecond()));
        now.put("escalation_fraction", Views.finite(metrics.escalationFraction()));
        now.put("shadow_agreement", Views.finite(metrics.shadowAgreement()));
        now.put("canary_agreement", Views.finite(metrics.canaryAgreement()));
        out.put("now", now);
        List<Map<String, Object>> series = metrics.history().stream().map(s -> {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("t", s.atMillis());
            p.put("answers_per_second", Views.finite(s.answersPerSecond()));
            p.put("latency_ms", Views.finite(s.meanLatencyMs()));
            p.put("escalation_fraction", Views.finite(s.escalationFraction()));
            p.put("shadow_agreement", Views.finite(s.shadowAgreement()));
            p.put("canary_agreement", Views.finite(s.canaryAgreement()));
            p.put("live", s.liveCheckpointId());
            return p;
        }).toList();
        out.put("series", series);
        return Views.write(out);
    }
}
