package io.distillery.teacher.service;

import io.distillery.teacher.DeviceChoice;
import io.distillery.teacher.Teacher;
import io.distillery.topics.RegistryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The labelling loop in a JVM of its own, wired as {@link TeacherLabelerService} wires it, so a
 * test can kill it with SIGKILL (the Quarkus jar is only packaged after the tests run).
 *
 * <pre>bootstrap-servers registry-url topic-prefix bundle-dir group-id transactional-id</pre>
 */
public final class StandaloneLabeler {

    public static void main(String[] args) throws Exception {
        String prefix = args[2];
        LoopSettings settings = new LoopSettings(args[4], args[5], 8, 2, Duration.ofMillis(20), 4000);
        try (Teacher teacher = Teacher.load(Path.of(args[3]), DeviceChoice.CPU);
             TeacherLabeler labeler = new TeacherLabeler(teacher)) {
            LabelingLoop loop = new LabelingLoop(settings, LabelingTopics.withPrefix(prefix), labeler,
                    TeacherIdentity.of(teacher.manifest(), Optional.empty()), Map.of("bootstrap.servers", args[0]),
                    RegistryConfig.at(args[1]), new SimpleMeterRegistry());
            Thread thread = new Thread(loop, "standalone-labeling-loop");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                loop.stop();
                try {
                    thread.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            thread.start();
            System.out.println("labelling as " + args[5]);
            thread.join();
        }
    }
}
