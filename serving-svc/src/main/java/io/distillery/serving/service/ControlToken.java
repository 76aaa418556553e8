package io.distillery.serving.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** Checks "Authorization: Bearer <token>" against distillery.serving.control-token, in constant time. */
final class ControlToken {

    enum Check { OK, NOT_CONFIGURED, REFUSED }

    private ControlToken() {
    }

    static Check check(Optional<String> configured, String authorization) {
        if (configured.isEmpty() || configured.get().isBlank()) {
            return Check.NOT_CONFIGURED;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Check.REFUSED;
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        byte[] expected = configured.get().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expected) ? Check.OK : Check.REFUSED;
    }
}
