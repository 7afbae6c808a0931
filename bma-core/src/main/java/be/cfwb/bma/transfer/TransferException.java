package be.cfwb.bma.transfer;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure of a source or target operation, classified: {@link #isRetryable()} failures
 * (dropped connection, timeout, throttling) are retried after reconnecting, with
 * {@link #backoff()} if the server suggested one; others are permanent for the operation.
 * Adapters translate their library's exceptions into this at the boundary.
 */
public class TransferException extends BmaException {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final boolean throttled;
    private final transient Duration backoff;

    public TransferException(String message, boolean retryable, Duration backoff, Throwable cause) {
        this(message, retryable, retryable && backoff != null, backoff, cause);
    }

    private TransferException(String message, boolean retryable, boolean throttled, Duration backoff, Throwable cause) {
        super(BmaErrorCode.TRANSFER_FAILED, message, cause);
        this.retryable = retryable;
        this.throttled = throttled;
        this.backoff = backoff;
    }

    public static TransferException retryable(String message, Throwable cause) {
        return new TransferException(message, true, null, cause);
    }

    /** The server said "later" (IMAP throttling, HTTP 429/503); {@code backoff} is its suggestion, or null. */
    public static TransferException throttled(String message, Duration backoff, Throwable cause) {
        return new TransferException(message, true, true, backoff, cause);
    }

    public static TransferException permanent(String message, Throwable cause) {
        return new TransferException(message, false, null, cause);
    }

    public boolean isRetryable() {
        return retryable;
    }

    /**
     * True if the server refused for load rather than for the request: nothing was done, and the
     * same request will pass later. Not the fault of the message at hand.
     */
    public boolean isThrottled() {
        return throttled;
    }

    /** How long the server asked us to wait, if it did. */
    public Optional<Duration> backoff() {
        return Optional.ofNullable(backoff);
    }
}
