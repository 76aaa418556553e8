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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short version of {@code ./distillery chaos}, in the normal test run: the four packaged
 * services (the reactor has built their jars before this module) on a real broker and registry,
 * each killed with SIGKILL once and the broker once while 150 known texts flow, plus the bad-input
 * corpus. Run exactly as a user runs it (a JVM of its own, configured by environment), it must
 * report nothing lost, nothing duplicated, every bad input handled, and leave no process behind.
 */
@Tag("integration")
class ChaosIT {

    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path work;

    @Test
    void killingEveryServiceAndTheBrokerLosesAndDuplicatesNothing() throws Exception {
        Path bundle = fitSmallTeacher(work.resolve("teacher"));
        List<Integer> ports = LoopbackPorts.free(8);
        Path log = work.resolve("chaos.log");
        ProcessBuilder builder = new ProcessBuilder(java(), "-Ddistillery.home=" + PROJECT, "-cp", System.getProperty("java.class.path"),
                Distillery.class.getName(), "chaos", "--records", "150", "--rate", "10", "--augmentations", "1",
                "--teacher-bundle", bundle.toString(), "--drain-timeout", "8m")
                .redirectError(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("DISTILLERY_DATA_DIR", work.resolve("data").toString());
        env.put("DISTILLERY_KAFKA_PORT", ports.get(0).toString());
        env.put("DISTILLERY_CONTROLLER_PORT", ports.get(1).toString());
        env.put("DISTILLERY_REGISTRY_PORT", ports.get(2).toString());
        env.put("DISTILLERY_REGISTRY_MANAGEMENT_PORT", ports.get(3).toString());
        LocalServices.Service[] services = LocalServices.Service.values();
        for (int i = 0; i < services.length; i++) {
            env.put(services[i].portVariable(), ports.get(4 + i).toString());
        }
        Process chaos = builder.start();
        String out = new String(chaos.getInputStream().readAllBytes());
        assertTrue(chaos.waitFor(15, TimeUnit.MINUTES), "chaos finished");
        String[] lines = out.strip().split("\n");
        JsonNode report = new ObjectMapper().readTree(lines[lines.length - 1]);
        String context = report.toPrettyString() + "\nlog: " + log + "\n" + tail(log);

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
        assertEquals(0, chaos.exitValue(), context);
        List<String> alive = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> p.info().commandLine()
                .filter(c -> c.contains("-Dio.distillery.role=") && c.contains(work.toString())).ifPresent(alive::add));
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
