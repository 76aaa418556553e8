package io.distillery.teacher;

import java.nio.file.Path;

/** A teacher bundle that cannot be used, with the bundle and the reason in the message. */
public class InvalidBundleException extends RuntimeException {

    public InvalidBundleException(Path bundle, String reason) {
        super("invalid teacher bundle " + bundle + ": " + reason);
    }

    public InvalidBundleException(Path bundle, String reason, Throwable cause) {
        super("invalid teacher bundle " + bundle + ": " + reason, cause);
    }
}
