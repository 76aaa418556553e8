package io.distillery.teacher.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Up while the labelling loop runs and goes round (/q/health/live and /q/health/ready). */
@Liveness
@Readiness
@ApplicationScoped
public class LabelingLoopHealth implements HealthCheck {

    private final TeacherLabelerService service;

    public LabelingLoopHealth(TeacherLabelerService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("teacher labelling loop")
                .status(service.loopAlive())
                .withData("teacher", service.teacherId())
                .build();
    }
}
