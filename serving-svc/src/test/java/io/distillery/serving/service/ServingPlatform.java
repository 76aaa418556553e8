package io.distillery.serving.service;

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

/** The real test platform for the service's {@code @QuarkusTest}: the catalogue's topics, MiniLM's tokenizer.json, a control token. */
public class ServingPlatform extends RealPlatformResource {

    static final String CONTROL_TOKEN = "test-control-token";

    @Override
    protected Collection<NewTopic> topics(String prefix) {
        return Topics.newTopics(prefix, (short) 1);
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        try {
            Path dir = Files.createDirectories(Path.of("target", "test-bundle"));
            Path file = dir.resolve("tokenizer.json");
            Files.write(file, TestStudents.miniLmBytes());
            config.put("distillery.serving.tokenizer", file.toAbsolutePath().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config.put("distillery.serving.control-token", CONTROL_TOKEN);
        // every student answer is published: the exactly-once test counts predictions (escalation is unit-tested)
        config.put("distillery.serving.escalation-threshold", "0");
        config.put("distillery.serving.command-wait", "20s");
        return config;
    }
}
