package io.distillery.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

    @Test
    void clusterIdsAreBase64UrlUuidsThatNeverLookLikeAFlag() {
        // One in 64 raw ids starts with '-': 2,000 draws would hit that about 31 times.
        for (int i = 0; i < 2000; i++) {
            String id = KafkaBroker.clusterId();
            assertEquals(22, id.length(), id);
            assertFalse(id.startsWith("-"), id);
            assertTrue(id.matches("[A-Za-z0-9_-]+"), id);
        }
    }
}
