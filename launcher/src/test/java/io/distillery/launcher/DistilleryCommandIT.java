package io.distillery.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distillery.topics.Topic;
import io.distillery.testing.LoopbackPorts;
import io.distillery.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code up}, {@code status} and {@code down} as a user runs them, checked from outside with a
 * non-Java Kafka client (Debian's kcat) and plain HTTP against the registry.
 */
@Tag("integration")
class DistilleryCommandIT {

    private static final Pattern PID = Pattern.compile("pid (\\d+)");

    private final List<String> flags = new ArrayList<>();
    private int kafkaPort;
    private int registryPort;

    DistilleryCommandIT() throws IOException {
        Path base = Path.of("target/distillery-it").toAbsolutePath();
        Files.createDirectories(base);
        Path dataDir = Files.createTempDirectory(base, "cli-");
        List<Integer> ports = LoopbackPorts.free(4);
        kafkaPort = ports.get(0);
        registryPort = ports.get(2);
        flags.addAll(List.of("--data-dir", dataDir.toString(), "--kafka-port", "" + kafkaPort,
                "--controller-port", "" + ports.get(1), "--registry-port", "" + registryPort,
                "--registry-management-port", "" + ports.get(3)));
    }

    @AfterEach
    void stopWhatever() {
        run("down");
    }

    @Test
    void upCreatesTheCatalogueReachableByAnyClientAndDownLeavesNothingRunning() throws Exception {
        Result up = run("up");
        assertEquals(0, up.exitCode, up.output);
        assertTrue(up.output.contains("bootstrap.servers=127.0.0.1:" + kafkaPort), up.output);
        assertTrue(up.output.contains("schema.registry.url=http://127.0.0.1:" + registryPort + "/apis/ccompat/v7"), up.output);
        List<Long> pids = pids(up.output);
        assertEquals(2, pids.size(), up.output);

        String metadata = kcat("-b", "127.0.0.1:" + kafkaPort, "-L");
        for (Topic<?> topic : Topics.all()) {
            assertTrue(metadata.contains("topic \"" + topic.name() + "\" with " + topic.partitions() + " partitions"),
                    topic + " missing from kcat -L:\n" + metadata);
        }

        HttpResponse<String> subjects = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + registryPort + "/apis/ccompat/v7/subjects")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, subjects.statusCode());
        assertEquals("[]", subjects.body().trim());

        Result again = run("up");
        assertEquals(0, again.exitCode);
        assertTrue(again.output.contains("already running") && again.output.contains("nothing to do"), again.output);
        assertEquals(pids, pids(again.output), "a second up starts nothing");

        Result status = run("status");
        assertEquals(0, status.exitCode, status.output);
        assertEquals(pids, pids(status.output));

        Result down = run("down");
        assertTrue(down.output.contains("Stopped schema-registry and kafka-broker"), down.output);
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still alive");
        }
        assertEquals(3, run("status").exitCode, "status says not running");
        assertTrue(run("down").output.contains("Nothing was running"));
    }

    @Test
    void aRestartedPlatformKeepsItsTopicsAndData() throws Exception {
        assertEquals(0, run("up").exitCode);
        run("down");
        Result up = run("up");
        assertEquals(0, up.exitCode, up.output);
        String metadata = kcat("-b", "127.0.0.1:" + kafkaPort, "-L");
        assertTrue(metadata.contains("topic \"" + Topics.STUDENT_CHECKPOINTS.name() + "\""), metadata);
    }

    @Test
    void aTakenPortIsNamedWithTheSettingThatMovesItAndNothingIsLeftRunning() throws Exception {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress("127.0.0.1", registryPort));
            Result up = run("up");
            assertEquals(1, up.exitCode, up.output);
            assertTrue(up.output.contains("port " + registryPort + " on 127.0.0.1 is taken by another process; "
                    + "choose another with DISTILLERY_REGISTRY_PORT (or --registry-port)"), up.output);
            assertEquals(3, run("status").exitCode, "nothing was started");
        }
    }

    private record Result(int exitCode, String output) {
    }

    private Result run(String command) {
        StringWriter out = new StringWriter();
        CommandLine cli = Distillery.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        List<String> args = new ArrayList<>();
        args.add(command);
        args.addAll(flags);
        int code = cli.execute(args.toArray(String[]::new));
        return new Result(code, out.toString());
    }

    private static List<Long> pids(String output) {
        List<Long> pids = new ArrayList<>();
        Matcher m = PID.matcher(output);
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1)));
        }
        return pids;
    }

    private static String kcat(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("kcat"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("kcat is needed as the non-Java client: `./distillery test` installs it "
                    + "(apt-get install kcat)", e);
        }
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
        return output;
    }
}
