package io.distillery.teacher.service;

import io.distillery.teacher.SmallTeacher;
import io.distillery.testing.RealPlatformResource;
import io.distillery.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

/** The real test platform for the {@code @QuarkusTest}, with the catalogue's topics and a small real teacher. */
public class TeacherPlatform extends RealPlatformResource {

    @Override
    protected Collection<NewTopic> topics(String prefix) {
        return Topics.newTopics(prefix, (short) 1);
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        try {
            Path target = Path.of("target").toAbsolutePath();
            Files.createDirectories(target);
            Path bundle = SmallTeacher.build(Files.createTempDirectory(target, "teacher-bundle-"));
            config.put("distillery.teacher.bundle-dir", bundle.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config.put("distillery.teacher.device", "cpu");
        config.put("distillery.teacher.max-wait", "20ms");
        return config;
    }
}
