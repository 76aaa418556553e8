package io.distillery.augmenter.streams;

import io.distillery.testing.RealPlatformResource;
import io.distillery.topics.Topics;
import java.util.Collection;
import org.apache.kafka.clients.admin.NewTopic;

/** The real test platform for {@code @QuarkusTest}s of this service, with the catalogue's topics. */
public class AugmenterPlatform extends RealPlatformResource {
    @Override
    protected Collection<NewTopic> topics(String prefix) {
        return Topics.newTopics(prefix, (short) 1);
    }
}
