package be.cfwb.bma.ledger;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How runners sharing a database ledger hold their mailboxes: a lease lasts {@code duration}
 * unless renewed; a runner renews its leases every {@code heartbeat}; {@code poll} is how often a
 * runner with nothing to claim looks again for a mailbox a dead runner left (its lease expired).
 * {@code clock} tells when a lease expires: real time shared by the runners' machines (NTP), not
 * the campaign's day, which a simulation moves on its own.
 */
public record LeaseSettings(Duration duration, Duration heartbeat, Duration poll, Clock clock) {

    /** Two minutes, renewed every 20 seconds, looked at every 10 seconds, on the system clock. */
    public static final LeaseSettings DEFAULT = new LeaseSettings(Duration.ofMinutes(2), Duration.ofSeconds(20),
            Duration.ofSeconds(10), Clock.systemUTC());

    public LeaseSettings {
        Objects.requireNonNull(clock, "lease clock");
        Objects.requireNonNull(duration, "lease duration");
        Objects.requireNonNull(heartbeat, "lease heartbeat");
        Objects.requireNonNull(poll, "lease poll");
        if (heartbeat.isNegative() || heartbeat.isZero() || duration.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("A lease (" + duration + ") must last at least two heartbeats ("
                    + heartbeat + "): one late heartbeat must not hand a live runner's mailbox to another");
        }
        if (poll.isNegative() || poll.isZero()) {
            throw new IllegalArgumentException("The lease poll must be positive: " + poll);
        }
    }

    /**
     * Leases of {@code duration} on the system clock, renewed every sixth of it and looked at every
     * twelfth ({@code bma.ledger.leaseSeconds}).
     *
     * @throws IllegalArgumentException under six seconds: a heartbeat of less than a second would
     *                                  load the database for nothing
     */
    public static LeaseSettings of(Duration duration) {
        if (duration.compareTo(Duration.ofSeconds(6)) < 0) {
            throw new IllegalArgumentException("A lease of " + duration.toSeconds() + " s is too short: a runner renews"
                    + " its leases every sixth of it; give 6 seconds or more (default 120)");
        }
        return new LeaseSettings(duration, duration.dividedBy(6), duration.dividedBy(12), Clock.systemUTC());
    }

    /** These settings on {@code clock} (tests move it by hand). */
    public LeaseSettings withClock(Clock clock) {
        return new LeaseSettings(duration, heartbeat, poll, clock);
    }
}
