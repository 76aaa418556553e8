package io.distillery.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromAHundredMillisecondsUpToFiveSeconds() {
        assertEquals(100, Backoff.millisAfter(1));
        assertEquals(200, Backoff.millisAfter(2));
        assertEquals(3_200, Backoff.millisAfter(6));
        assertEquals(5_000, Backoff.millisAfter(7));
        assertEquals(5_000, Backoff.millisAfter(Integer.MAX_VALUE));
        assertEquals(100, Backoff.millisAfter(0), "a caller's zero counts as the first failure");
    }
}
