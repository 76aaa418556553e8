package io.distillery.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Points a {@code @QuarkusTest} service at the real test platform, with its own topic prefix so
 * test classes never see each other's records. A service's tests extend it and say which topics
 * to create (the catalogue's, under the prefix):
 *
 * <pre>
 * public class Platform extends RealPlatformResource {
 *     protected Collection&lt;NewTopic&gt; topics(String prefix) { return Topics.newTopics(prefix, (short) 1); }
 * }
 * </pre>
 */
public abstract class RealPlatformResource implements QuarkusTestResourceLifecycleManager {

    /** The prefix of the running test class, for the test code that produces and consumes. */
    private static volatile String currentPrefix;

    protected abstract Collection<NewTopic> topics(String prefix);

    public static String topicPrefix() {
        return currentPrefix;
    }

    @Override
    public Map<String, String> start() {
        TestPlatform platform = TestPlatform.shared();
        String prefix = platform.uniqueName("t") + ".";
        platform.createTopics(topics(prefix));
        currentPrefix = prefix;
        return Map.of(
                "distillery.kafka.bootstrap-servers", platform.bootstrapServers(),
                "distillery.registry.url", platform.registryUrl(),
                "distillery.topics.prefix", prefix);
    }

    @Override
    public void stop() {
        // The platform outlives the test class; it stops when the test JVM exits.
    }
}
