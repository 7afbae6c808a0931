package be.cfwb.bma.retry;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How often and after how long a failed call is tried again: at most {@link #maxRetries()}
 * retries; before retry {@code n} the server's suggestion (Retry-After, Exchange's "Suggested
 * Backoff Time") if it gave one, else {@link #backoff()} doubled with each retry; never longer
 * than {@link #maxBackoff()}. The wait goes through the {@link Sleeper}, so tests pass it on
 * virtual time. No jitter: the waits are the same on every run, and what the server suggests
 * already spreads the callers it throttles. Immutable and thread-safe.
 */
public final class RetryPolicy {

    private final int maxRetries;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final Sleeper sleeper;

    private RetryPolicy(int maxRetries, Duration backoff, Duration maxBackoff, Sleeper sleeper) {
        if (maxRetries < 0) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Retries must not be negative: " + maxRetries);
        }
        if (backoff.isNegative() || maxBackoff.isNegative()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Retry waits must not be negative: " + backoff
                    + " / " + maxBackoff);
        }
        this.maxRetries = maxRetries;
        this.backoff = backoff;
        this.maxBackoff = maxBackoff;
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** Up to {@code maxRetries} retries, the first after {@code backoff}, none after more than {@code maxBackoff}. */
    public static RetryPolicy of(int maxRetries, Duration backoff, Duration maxBackoff, Sleeper sleeper) {
        return new RetryPolicy(maxRetries, Objects.requireNonNull(backoff, "backoff"),
                Objects.requireNonNull(maxBackoff, "maxBackoff"), sleeper);
    }

    /** The same policy with at most {@code attempts} attempts in all (so {@code attempts - 1} retries), at least 1. */
    public static RetryPolicy attempts(int attempts, Duration backoff, Duration maxBackoff, Sleeper sleeper) {
        if (attempts < 1) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Attempts must be at least 1: " + attempts);
        }
        return of(attempts - 1, backoff, maxBackoff, sleeper);
    }

    public int maxRetries() {
        return maxRetries;
    }

    public Duration backoff() {
        return backoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public Sleeper sleeper() {
        return sleeper;
    }

    /** True if a call that already had {@code retriesDone} retries may have another. */
    public boolean allowsRetry(int retriesDone) {
        return retriesDone < maxRetries;
    }

    /**
     * The wait before retry {@code retry} (1 for the first): the server's {@code suggested} wait
     * if it gave one, else the backoff doubled with each retry; at most {@link #maxBackoff()}.
     */
    public Duration delay(int retry, Optional<Duration> suggested) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry " + retry + " < 1");
        }
        long factor = 1L << Math.min(retry - 1, 20);
        Duration wait = suggested.filter(d -> !d.isNegative()).orElseGet(() -> multiplied(backoff, factor));
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }

    /**
     * Waits {@link #delay} before retry {@code retry} with the sleeper and returns the wait.
     *
     * @throws BmaException if the wait was interrupted (the thread's interrupt flag is set again)
     */
    public Duration pause(int retry, Optional<Duration> suggested) {
        Duration wait = delay(retry, suggested);
        sleeper.sleep(wait);
        return wait;
    }

    private Duration multiplied(Duration d, long factor) {
        try {
            return d.multipliedBy(factor);
        } catch (ArithmeticException e) {
            return maxBackoff;
        }
    }

    @Override
    public String toString() {
        return "RetryPolicy[" + maxRetries + " retries, backoff " + backoff + ", at most " + maxBackoff + "]";
    }
}
