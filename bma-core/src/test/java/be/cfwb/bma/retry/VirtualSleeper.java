package be.cfwb.bma.retry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A sleeper on virtual time: each wait is remembered and added up, and returns at once. Tests of
 * retries use it so that a Retry-After of seconds costs nothing; they add {@link #total()} to
 * the real time a run took to know how long it would have taken. Thread-safe.
 */
public final class VirtualSleeper implements Sleeper {

    private final List<Duration> waits = new ArrayList<>();
    private Duration total = Duration.ZERO;

    @Override
    public synchronized void sleep(Duration duration) {
        waits.add(duration);
        if (!duration.isNegative()) {
            total = total.plus(duration);
        }
    }

    /** Every wait asked, in order. */
    public synchronized List<Duration> waits() {
        return List.copyOf(waits);
    }

    /** The virtual time passed in all. */
    public synchronized Duration total() {
        return total;
    }
}
