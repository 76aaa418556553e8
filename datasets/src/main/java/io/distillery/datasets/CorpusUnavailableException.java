package io.distillery.datasets;

/**
 * A corpus that lives in a Debian package could not be found, installed or extracted here; the
 * message says which package, what was tried and what to do about it.
 */
public class CorpusUnavailableException extends RuntimeException {

    public CorpusUnavailableException(String message) {
        super(message);
    }

    public CorpusUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
