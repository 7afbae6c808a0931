package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaAddress;

import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * How one mailbox's day differs from the previous plan, and why.
 *
 * @param address the mailbox
 * @param before  its day in the previous plan; empty if it was not in it
 * @param after   its day now; empty if it left the plan
 * @param reason  why, in words
 */
public record PlanChange(BmaAddress address, Optional<LocalDate> before, Optional<LocalDate> after, String reason)
        implements Comparable<PlanChange> {

    public PlanChange {
        Objects.requireNonNull(address, "address");
        before = before == null ? Optional.empty() : before;
        after = after == null ? Optional.empty() : after;
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public int compareTo(PlanChange other) {
        return address.compareTo(other.address);
    }

    @Override
    public String toString() {
        return address + ": " + before.map(LocalDate::toString).orElse("-") + " -> "
                + after.map(LocalDate::toString).orElse("-") + " (" + reason + ")";
    }
}
