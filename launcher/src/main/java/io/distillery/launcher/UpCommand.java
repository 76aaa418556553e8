package io.distillery.launcher;

import io.distillery.platform.LocalPlatform;
import io.distillery.platform.PlatformSettings;
import io.distillery.topics.Topic;
import io.distillery.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

@Command(name = "up", description = "Start a real Kafka broker and schema registry on this machine and create every topic.")
final class UpCommand implements Callable<Integer> {

    @Mixin
    PlatformOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--timeout", defaultValue = "PT3M", description = "How long to wait for readiness (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        LocalPlatform platform = options.platform();
        PlatformSettings settings = platform.settings();
        long start = System.nanoTime();
        LocalPlatform.UpResult result = platform.up(timeout);
        if (result.started().isEmpty()) {
            out().printf("Distillery platform is already running (broker pid %d, registry pid %d); nothing to do.%n",
                    result.status().brokerPid().orElseThrow(), result.status().registryPid().orElseThrow());
            printConnection(settings);
            return 0;
        }
        List<Topic<?>> topics = Topics.all();
        platform.createTopics(Topics.newTopics("", (short) 1));
        double seconds = (System.nanoTime() - start) / 1e9;
        out().printf("Started %s in %.1f s.%n", String.join(" and ", result.started()), seconds);
        out().printf("  Kafka broker     pid %d, data in %s%n", result.status().brokerPid().orElseThrow(), settings.dataDir());
        out().printf("  Schema registry  pid %d%n", result.status().registryPid().orElseThrow());
        out().printf("  Topics           %d present: %s%n", topics.size(),
                String.join(", ", topics.stream().map(Topic::name).toList()));
        printConnection(settings);
        return 0;
    }

    private void printConnection(PlatformSettings settings) {
        out().println("bootstrap.servers=" + settings.bootstrapServers());
        out().println("schema.registry.url=" + settings.registryUrl() + "/apis/ccompat/v7");
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
