package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Mailbox;

/** What one migration day can take, per kind: mailboxes, and bytes where a volume limit applies. */
final class DayCapacity {

    static final BmaKind[] KINDS = BmaKind.values();
    /** A megabyte, as {@link PlanningSettings#volumePerDay} counts it. */
    static final long MB = 1024L * 1024L;

    private final PlanningSettings settings;
    private final long meanBytes;

    DayCapacity(PlanningSettings settings) {
        this.settings = settings;
        this.meanBytes = settings.mailboxSizes().meanBytes();
    }

    /** Mailboxes of {@code kind} a day: the wave's capacity, within what the senders can send. */
    int mailboxes(BmaKind kind) {
        return Math.min(settings.wave(kind).capacityPerDay(), settings.mailboxesPerDayBySenders());
    }

    /** Mailboxes of all kinds a day, as the senders allow. */
    int senders() {
        return settings.mailboxesPerDayBySenders();
    }

    /** Bytes of {@code kind} a day; {@link Long#MAX_VALUE} when not limited. */
    long bytes(BmaKind kind) {
        return settings.volumePerDay(kind).map(mb -> mb * MB).orElse(Long.MAX_VALUE);
    }

    /** A mailbox's weight for the volume limit: its size, or the mean of the known sizes. */
    long bytes(Mailbox m) {
        return settings.mailboxSizes().bytes(m.address()).orElse(meanBytes);
    }
}
