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
    private final transient Duration backoff;

    public TransferException(String message, boolean retryable, Duration backoff, Throwable cause) {
        super(BmaErrorCode.TRANSFER_FAILED, message, cause);
        this.retryable = retryable;
        this.backoff = backoff;
    }

    public static TransferException retryable(String message, Throwable cause) {
        return new TransferException(message, true, null, cause);
    }

    public static TransferException throttled(String message, Duration backoff, Throwable cause) {
        return new TransferException(message, true, backoff, cause);
    }

    public static TransferException permanent(String message, Throwable cause) {
        return new TransferException(message, false, null, cause);
    }

    public boolean isRetryable() {
        return retryable;
    }

    /** How long the server asked us to wait, if it did. */
    public Optional<Duration> backoff() {
        return Optional.ofNullable(backoff);
    }
}
