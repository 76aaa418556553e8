package io.distillery.quality;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Progress lines on stderr (stdout carries only the result JSON). */
final class Progress {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Progress() {
    }

    static void log(String format, Object... args) {
        System.err.println("[quality " + LocalTime.now().format(TIME) + "] " + String.format(Locale.ROOT, format, args));
    }
}
