package io.distillery.trainer.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Live and ready while the training loop runs and goes round. */
@Liveness
@Readiness
@ApplicationScoped
public class TrainingLoopHealth implements HealthCheck {

    private final StudentTrainerService service;

    public TrainingLoopHealth(StudentTrainerService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("training-loop").status(service.loopAlive()).build();
    }
}
