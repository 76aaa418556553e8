package io.distillery.topics;

import com.microsoft.kiota.ApiException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/**
 * The schema registry could not be asked for a record's schema (unreachable, timed out, or
 * answering 5xx or 429): the record itself may be perfectly good. {@link RecordDecoder} throws it
 * instead of returning a failure, so that no caller dead-letters or passes over a good record
 * because the registry was away for a moment: the record must be read again once it answers.
 */
public final class RegistryUnavailableException extends RuntimeException {

    /** How deep cause chains are searched (they are a handful deep; the bound guards against cycles). */
    private static final int MAX_CAUSES = 32;

    RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether a registry serde's failure is the registry's, not the record's: its causes hold a
     * RegistryUnavailableException (frameworks such as Kafka Streams wrap a processor's exception),
     * a failure to reach the registry, or an answer that says "not now" (5xx, 429). Apicurio's
     * client (Kiota on Vert.x) wraps a network failure as RuntimeException(ExecutionException(cause))
     * and its cache wraps that once more; a status arrives as a Kiota {@link ApiException}
     * (ProblemDetails when the registry explains). Everything else is about the record: a 404 (no
     * content with that id), or an Avro body that does not parse, whose EOFException is an
     * IOException too, which is why only network failures count, not every IOException.
     */
    public static boolean isTransient(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof ApiException api
                    && (api.getResponseStatusCode() >= 500 || api.getResponseStatusCode() == 429)) {
                return true;
            }
            if (t instanceof RegistryUnavailableException
                    || t instanceof SocketException          // refused or reset (ConnectException, Netty's too)
                    || t instanceof SocketTimeoutException
                    || t instanceof HttpTimeoutException     // the JDK client, should Apicurio's use it
                    || t instanceof UnknownHostException
                    || t instanceof ClosedChannelException   // Netty: the connection closed under the request
                    || t instanceof TimeoutException         // Vert.x: a request or connect timeout
                    || t instanceof InterruptedException     // the lookup was cut short: nothing said about the record
                    || t.getClass().getName().equals("io.vertx.core.http.HttpClosedException")) {
                return true;
            }
        }
        return false;
    }
}
