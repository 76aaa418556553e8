package io.distillery.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void secondsUnitsAndIsoAreAccepted() {
        assertEquals(Duration.ofSeconds(600), converter.convert("600"));
        assertEquals(Duration.ofSeconds(90), converter.convert("90s"));
        assertEquals(Duration.ofMinutes(10), converter.convert("10m"));
        assertEquals(Duration.ofHours(1), converter.convert("1h"));
        assertEquals(Duration.ofMillis(250), converter.convert("250ms"));
        assertEquals(Duration.ofMinutes(10), converter.convert("PT10M"));
    }

    @Test
    void anythingElseIsRefusedWithTheFormsThatWork() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> converter.convert("ten minutes"));
        assertEquals("'ten minutes' is not a duration: write 600, 90s, 10m, 1h or PT10M", e.getMessage());
    }
}
