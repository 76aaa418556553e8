package io.distillery.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.platform.LocalServices;
import io.distillery.testing.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job and the chaos suite as a user runs them (a JVM of their own, configured by
 * environment, on free loopback ports), with the four packaged services (the reactor has built
 * their jars before this module) on a real broker and registry, and a small real teacher fitted
 * once for both.
 */
@Tag("integration")
class LocalSystemIT {

    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    static Path work;

    private static Path bundle;

    @BeforeAll
    static void fitTeacher() throws Exception {
        bundle = fitSmallTeacher(work.resolve("teacher"));
    }

    /** {@code ./distillery demo --duration 150 --json}: the whole loop runs, a student is promoted, nothing is left running. */
    @Test
    void theDemoRunsTheWholeLoopAndStopsEverythingItStarted() throws Exception {
        Path data = work.resolve("demo-data");
        Result run = run(data, Map.of("DISTILLERY_TEACHER_BUNDLE_DIR", bundle.toString()), "demo", "--duration", "150", "--json",
                "--rate", "5", "--augmentations", "2", "--sources", "uci");
        JsonNode summary = run.report();
        String context = summary.toPrettyString() + "\nlog: " + run.log() + "\n" + tail(run.log());
        assertEquals(0, run.exitCode(), context);
        assertTrue(summary.get("records_produced").asLong() > 0, context);
        for (String stage : List.of("raw", "augmented", "labelled", "predictions")) {
            assertTrue(summary.get("stages").get(stage).get("records").asLong() > 0, stage + " flowed\n" + context);
        }
        assertTrue(summary.get("checkpoints_published").asInt() >= 1, context);
        assertTrue(summary.get("checkpoints_promoted").asInt() >= 1, context);
        assertTrue(summary.get("live").get("checkpoint_id").isTextual(), context);
        // at the end of --duration the trainer publishes a last checkpoint and serving decides on it
        assertTrue(summary.get("final_checkpoint").get("id").asText().startsWith("bilstm-sentiment-"), context);
        assertTrue(summary.get("final_checkpoint").get("decided").asBoolean(), context);
        assertEquals(0, summary.get("processes_left").size(), context);
        assertNothingLeft(data);
    }

    /**
     * The short version of {@code ./distillery chaos}: each service killed with SIGKILL once and the
     * broker once while 150 known texts flow, plus the bad-input corpus; nothing lost, nothing
     * duplicated, every bad input handled, no process left behind.
     */
    @Test
    void killingEveryServiceAndTheBrokerLosesAndDuplicatesNothing() throws Exception {
        Path data = work.resolve("chaos-data");
        Result run = run(data, Map.of(), "chaos", "--records", "150", "--rate", "10", "--augmentations", "1",
                "--teacher-bundle", bundle.toString(), "--drain-timeout", "8m");
        JsonNode report = run.report();
        String context = report.toPrettyString() + "\nlog: " + run.log() + "\n" + tail(run.log());

        assertEquals(150, report.get("records").asInt(), context);
        assertEquals(LocalServices.Service.values().length + 1, report.get("faults").size(), "every service and the broker killed once\n" + context);
        assertTrue(report.get("drained").asBoolean(), context);
        assertEquals(0, report.get("lost").asLong(), context);
        assertEquals(0, report.get("duplicated").asLong(), context);
        assertEquals(0, report.get("predictions").get("unexpected").asInt(), context);
        assertEquals(0, report.get("labels").get("lost").asInt(), context);
        assertEquals(0, report.get("labels").get("duplicated").asInt(), context);
        assertEquals(0, report.get("augmented").get("raw_texts_not_augmented").asLong(), context);
        assertEquals(0, report.get("checkpoints").get("corrupt").size(), context);
        assertEquals(0, report.get("checkpoints").get("position_regressions").size(), context);
        assertEquals(0, report.get("served_from_refused_checkpoint").asLong(), context);
        assertTrue(report.get("bad_inputs_tried").asInt() >= 30, context);
        assertEquals(0, report.get("bad_inputs_mishandled").asLong(), context);
        assertEquals(0, run.exitCode(), context);
        assertNothingLeft(data);
    }

    private record Result(int exitCode, JsonNode report, Path log) {
    }

    /** Runs {@code ./distillery <args>} in its own JVM on free ports; its last stdout line is its JSON report. */
    private static Result run(Path data, Map<String, String> extraEnv, String... args) throws Exception {
        List<Integer> ports = LoopbackPorts.free(8);
        Path log = Files.createDirectories(data).resolve("launcher.log");
        List<String> command = new ArrayList<>(List.of(java(), "-Ddistillery.home=" + PROJECT, "-cp",
                System.getProperty("java.class.path"), Distillery.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("DISTILLERY_DATA_DIR", data.toString());
        env.put("DISTILLERY_KAFKA_PORT", ports.get(0).toString());
        env.put("DISTILLERY_CONTROLLER_PORT", ports.get(1).toString());
        env.put("DISTILLERY_REGISTRY_PORT", ports.get(2).toString());
        env.put("DISTILLERY_REGISTRY_MANAGEMENT_PORT", ports.get(3).toString());
        LocalServices.Service[] services = LocalServices.Service.values();
        for (int i = 0; i < services.length; i++) {
            env.put(services[i].portVariable(), ports.get(4 + i).toString());
        }
        env.putAll(extraEnv);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(15, TimeUnit.MINUTES), args[0] + " finished");
        String[] lines = out.strip().split("\n");
        JsonNode report;
        try {
            report = new ObjectMapper().readTree(lines[lines.length - 1]);
        } catch (Exception e) {
            throw new AssertionError(args[0] + " printed no JSON report; stdout:\n" + out + "\nlog:\n" + tail(log), e);
        }
        return new Result(process.exitValue(), report, log);
    }

    private static void assertNothingLeft(Path data) {
        List<String> alive = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> p.info().commandLine()
                .filter(c -> c.contains("-Dio.distillery.role=") && c.contains(data.toString())).ifPresent(alive::add));
        assertEquals(List.of(), alive, "nothing the run started is left");
    }

    /** A real teacher in seconds: MiniLM-L6 int8 (from Maven Central) with a head trained on the UCI sentences. */
    private static Path fitSmallTeacher(Path output) throws Exception {
        Process fit = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                "io.distillery.teacher.fit.TeacherFit", "--output", output.toString(), "--encoder", "minilm-l6-q", "--device", "cpu")
                .redirectErrorStream(true).redirectOutput(output.resolveSibling("fit.log").toFile()).start();
        assertTrue(fit.waitFor(10, TimeUnit.MINUTES), "teacher fit finished");
        assertEquals(0, fit.exitValue(), tail(output.resolveSibling("fit.log")));
        return output;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            StringBuilder out = new StringBuilder();
            Iterator<String> it = lines.subList(Math.max(0, lines.size() - 40), lines.size()).iterator();
            it.forEachRemaining(l -> out.append(l).append('\n'));
            return out.toString();
        } catch (Exception e) {
            return "(no " + file + ")";
        }
    }
}
