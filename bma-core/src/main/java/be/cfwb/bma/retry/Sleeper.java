package be.cfwb.bma.retry;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.time.Duration;

/**
 * Waits. Injected wherever the toolkit paces itself (rate limits, Retry-After) so that tests
 * pass time instantly instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {

    /** Returns after {@code duration}; does nothing for zero or negative durations. */
    void sleep(Duration duration);

    /** The real one: {@link Thread#sleep}. An interrupt stops the run with a {@link BmaException}. */
    static Sleeper system() {
        return duration -> {
            if (duration.isZero() || duration.isNegative()) {
                return;
            }
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BmaException(BmaErrorCode.INTERNAL, "Interrupted while waiting " + duration, e);
            }
        };
    }
}
