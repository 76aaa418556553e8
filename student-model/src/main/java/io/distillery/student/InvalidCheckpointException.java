package io.distillery.student;

/** A checkpoint this reader refuses to serve or continue from, with a machine-readable reason. */
public final class InvalidCheckpointException extends RuntimeException {

    /** Why a checkpoint was refused. */
    public enum Reason {
        /** weights_sha256 does not match the weights, or the weights do not load. */
        CORRUPT_WEIGHTS,
        /** A format_version this reader does not know. */
        UNKNOWN_FORMAT_VERSION,
        /** A kind or hyper-parameters this reader cannot build. */
        UNKNOWN_ARCHITECTURE,
        /** Trained with another tokenizer.json than the one we have. */
        TOKENIZER_MISMATCH,
        /** Otherwise inconsistent (e.g. label names vs classes). */
        INCONSISTENT
    }

    private final Reason reason;
    private final String checkpointId;

    public InvalidCheckpointException(Reason reason, String checkpointId, String message, Throwable cause) {
        super("checkpoint " + checkpointId + " refused (" + reason + "): " + message, cause);
        this.reason = reason;
        this.checkpointId = checkpointId;
    }

    public Reason reason() {
        return reason;
    }

    public String checkpointId() {
        return checkpointId;
    }
}
