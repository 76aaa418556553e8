package io.distillery.teacher.service;

import io.distillery.teacher.TeacherManifest;
import java.util.List;
import java.util.Optional;

/**
 * What every label says about the teacher that made it.
 *
 * @param id          the bundle's id
 * @param version     the bundle's content hash
 * @param labels      class names in logit order
 * @param temperature the distillation temperature published with the logits
 */
public record TeacherIdentity(String id, String version, List<String> labels, double temperature) {

    public TeacherIdentity {
        labels = List.copyOf(labels);
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        }
    }

    /** The manifest's identity, with the recommended temperature unless overridden. */
    public static TeacherIdentity of(TeacherManifest manifest, Optional<Double> temperatureOverride) {
        return new TeacherIdentity(manifest.id(), manifest.version(), manifest.labels(),
                temperatureOverride.orElse(manifest.temperature()));
    }
}
