package be.cfwb.bma.demo;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/** A clock the demo moves from one migration day to the next, as the calendar would. */
final class SimulatedClock extends Clock {

    private final ZoneId zone;
    private volatile Instant now;

    SimulatedClock(Instant start, ZoneId zone) {
        this.now = start;
        this.zone = zone;
    }

    void set(Instant instant) {
        this.now = instant;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId other) {
        return new SimulatedClock(now, other);
    }

    @Override
    public Instant instant() {
        return now;
    }
}
