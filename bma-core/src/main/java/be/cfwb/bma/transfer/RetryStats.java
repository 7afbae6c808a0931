package be.cfwb.bma.transfer;

import java.time.Duration;
import java.util.Objects;

/**
 * How much a mailbox's copy was held back: the retries after failures that may pass, the
 * answers among them that asked us to come back later (IMAP {@code NO [THROTTLED]} or Exchange's
 * "Suggested Backoff Time", HTTP 429/503/504), and the time spent waiting before trying again,
 * whoever waited (the engine's backoff, the Graph client's own Retry-After waits, our Graph
 * per-mailbox budget). Immutable; combined with {@link #plus}.
 *
 * @param retries   attempts made again after a retryable failure
 * @param throttled answers that said "later" and held an operation back, whether retried or given up on
 * @param waited    total time spent waiting before trying again
 */
public record RetryStats(int retries, int throttled, Duration waited) {

    /** Nothing retried, nothing waited. */
    public static final RetryStats NONE = new RetryStats(0, 0, Duration.ZERO);

    public RetryStats {
        Objects.requireNonNull(waited, "waited");
        if (retries < 0 || throttled < 0 || waited.isNegative()) {
            throw new IllegalArgumentException("Negative retry statistics: retries=" + retries + ", throttled="
                    + throttled + ", waited=" + waited);
        }
    }

    /** Only retries counted, nothing known of throttling or waits. */
    public static RetryStats retries(int retries) {
        return new RetryStats(retries, 0, Duration.ZERO);
    }

    public RetryStats plus(RetryStats other) {
        return new RetryStats(retries + other.retries, throttled + other.throttled, waited.plus(other.waited));
    }

    public boolean isEmpty() {
        return retries == 0 && throttled == 0 && waited.isZero();
    }
}
