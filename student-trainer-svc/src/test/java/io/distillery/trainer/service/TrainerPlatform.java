package io.distillery.trainer.service;

import io.distillery.testing.RealPlatformResource;
import io.distillery.topics.Topics;
import io.distillery.trainer.TestTokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

/** The real test platform for the service's {@code @QuarkusTest}, with the catalogue's topics and MiniLM's tokenizer.json. */
public class TrainerPlatform extends RealPlatformResource {

    @Override
    protected Collection<NewTopic> topics(String prefix) {
        return Topics.newTopics(prefix, (short) 1);
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        try {
            Path dir = Files.createDirectories(Path.of("target", "test-bundle"));
            config.put("distillery.trainer.tokenizer", TestTokenizers.writeTo(dir).toAbsolutePath().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config.put("distillery.trainer.partial-batch-after", "500ms");
        config.put("distillery.trainer.eval-every", "0");
        return config;
    }
}
