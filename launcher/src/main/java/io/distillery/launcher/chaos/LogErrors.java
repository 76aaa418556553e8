package io.distillery.launcher.chaos;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The ERROR lines the processes of a run logged after a starting point: a load test must end with
 * none, and a fault-injection run shows what its faults made the services say. Logs are appended
 * across runs, so each file is read from where it ended when the count started.
 */
public final class LogErrors {

    private static final Pattern ERROR = Pattern.compile("(^|\\s|\\])ERROR(\\s|\\[)");
    private static final int EXAMPLES = 3;

    private final Map<String, Path> logs;
    private final Map<String, Long> startOffsets = new TreeMap<>();

    /** Starts counting now, for logs by role. */
    public LogErrors(Map<String, Path> logs) {
        this.logs = Map.copyOf(logs);
        this.logs.forEach((role, log) -> startOffsets.put(role, size(log)));
    }

    /** Per role, the ERROR lines logged since the start: their count and the first few (truncated). */
    public Map<String, Object> report() {
        Map<String, Object> report = new TreeMap<>();
        logs.forEach((role, log) -> {
            List<String> errors = errorLines(tail(log, startOffsets.get(role)));
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("count", errors.size());
            entry.put("first", errors.stream().limit(EXAMPLES).map(l -> l.length() > 240 ? l.substring(0, 240) + "…" : l).toList());
            report.put(role, entry);
        });
        return report;
    }

    /** Total ERROR lines since the start. */
    public long total() {
        return logs.entrySet().stream().mapToLong(e -> errorLines(tail(e.getValue(), startOffsets.get(e.getKey()))).size()).sum();
    }

    static List<String> errorLines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (ERROR.matcher(line).find()) {
                lines.add(line.strip());
            }
        }
        return lines;
    }

    private static String tail(Path log, long from) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = from <= file.length() ? from : 0; // a log rotated or truncated since: all of it is new
            byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static long size(Path log) {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
