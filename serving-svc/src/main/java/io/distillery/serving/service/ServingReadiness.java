package io.distillery.serving.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once rollout events and checkpoints have been read up to their end, the loops run, and
 * the live checkpoint the state names is loaded, or the state names none ("no model yet": texts
 * then go to the teacher, or wait, per distillery.serving.without-model).
 */
@Readiness
@ApplicationScoped
class ServingReadiness implements HealthCheck {

    private final ServingService service;

    ServingReadiness(ServingService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        String wanted = service.view() == null ? null : service.view().state().getLiveCheckpointId();
        String served = service.slots() == null ? null : service.slots().roles().live();
        return HealthCheckResponse.named("serving")
                .status(service.ready())
                .withData("live", wanted == null ? "no model yet" : wanted)
                .withData("loaded", served == null ? "none" : served)
                .withData("controller", service.controlling())
                .build();
    }
}
