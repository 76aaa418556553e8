package io.distillery.serving.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Liveness: serving's threads go round. */
@Liveness
@ApplicationScoped
class ServingLiveness implements HealthCheck {

    private final ServingService service;

    ServingLiveness(ServingService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("serving loops").status(service.loopAlive()).build();
    }
}
