package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.time.Duration;
import java.util.Optional;

/**
 * A Graph call that failed, translated from the SDK's exception at the adapter boundary: the
 * HTTP status (0 when the connection failed before an answer) and Graph's error code, so that
 * callers in this package can tell a missing item from a refused one.
 */
final class GraphFailure extends BmaException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String graphCode;
    private final transient Duration retryAfter;

    GraphFailure(BmaErrorCode code, int status, String graphCode, String message, Throwable cause) {
        this(code, status, graphCode, null, message, cause);
    }

    GraphFailure(BmaErrorCode code, int status, String graphCode, Duration retryAfter, String message,
                 Throwable cause) {
        super(code, message, cause);
        this.status = status;
        this.graphCode = graphCode;
        this.retryAfter = retryAfter;
    }

    /** The server's Retry-After, when it sent one (429, 503). */
    Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Throttled or unavailable: the server said "later", the request was not carried out. */
    boolean isThrottled() {
        return status == 429 || status == 503;
    }

    int status() {
        return status;
    }

    String graphCode() {
        return graphCode;
    }

    /** No answer came back: the request may or may not have been carried out. */
    boolean isConnectionLost() {
        return status == 0;
    }
}
