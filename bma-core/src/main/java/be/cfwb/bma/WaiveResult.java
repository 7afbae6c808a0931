package be.cfwb.bma;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.MessageWaivers;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The outcome of {@link Bma#waive}: the messages now waived (or already waived before), for one
 * mailbox. A dry run recorded nothing.
 *
 * @param mailbox the mailbox
 * @param waived  each message named, with what the pass had reported
 * @param dryRun  true if nothing was recorded
 */
public record WaiveResult(BmaAddress mailbox, List<MessageWaivers.Waived> waived, boolean dryRun) {

    public WaiveResult {
        Objects.requireNonNull(mailbox, "mailbox");
        waived = List.copyOf(waived);
    }

    /** How many this call recorded (none in a dry run). */
    public long recorded() {
        return dryRun ? 0 : waived.stream().filter(w -> !w.already()).count();
    }

    /** One line for a build log. */
    public String summaryLine() {
        return String.format(Locale.ROOT, "%swaive %s: %d message(s) named, %d newly waived, %d already waived",
                dryRun ? "dry run " : "", mailbox, waived.size(), waived.stream().filter(w -> !w.already()).count(),
                waived.stream().filter(MessageWaivers.Waived::already).count());
    }
}
