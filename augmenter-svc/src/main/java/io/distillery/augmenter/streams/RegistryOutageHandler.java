package io.distillery.augmenter.streams;

import io.distillery.topics.Backoff;
import io.distillery.topics.RegistryUnavailableException;
import java.time.Duration;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jboss.logging.Logger;

/**
 * What a failed stream thread means. A record that met a schema registry outage (the decoder's
 * {@link RegistryUnavailableException}, or the sink's serializer failing to reach the registry)
 * is fine: the thread is replaced, after a pause that grows while the outage lasts. Replacing it
 * aborts its transaction (exactly once), and the new thread reads the record again from the last
 * commit, so it is neither dead-lettered nor lost. Anything else stops the augmenter, as Kafka
 * Streams does without a handler: a bug must not be retried forever.
 */
public final class RegistryOutageHandler implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = Logger.getLogger(RegistryOutageHandler.class);
    /** Failures further apart than this belong to different outages: the pause starts short again. */
    private static final long SAME_OUTAGE_NANOS = Duration.ofMinutes(1).toNanos();

    private int failures;
    private long lastFailureNanos;

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        if (!RegistryUnavailableException.isTransient(exception)) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        int inARow = failureInARow();
        LOG.warnf("a stream thread waits for the schema registry (%d in a row); replacing it in %d ms, and the record is "
                + "read again from the last commit: %s", inARow, Backoff.millisAfter(inARow), reason(exception));
        Backoff.pauseAfter(inARow);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    private synchronized int failureInARow() {
        long now = System.nanoTime();
        failures = failures > 0 && now - lastFailureNanos < SAME_OUTAGE_NANOS ? failures + 1 : 1;
        lastFailureNanos = now;
        return failures;
    }

    /** The decoder's sentence (topic, schema id, cause) when it is there, else the innermost cause. */
    private static String reason(Throwable exception) {
        Throwable t = exception;
        while (!(t instanceof RegistryUnavailableException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t instanceof RegistryUnavailableException ? t.getMessage() : t.toString();
    }
}
