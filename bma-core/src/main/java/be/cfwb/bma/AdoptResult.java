package be.cfwb.bma;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.TargetTraces;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link Bma#adopt}: per selected mailbox, what its target holds and whether this
 * call recorded an adoption. A dry run recorded nothing.
 *
 * @param campaign this ledger's campaign (empty in a dry run on a ledger without one yet)
 * @param rows     one per selected mailbox, in the selection's order
 * @param dryRun   true if nothing was recorded
 */
public record AdoptResult(Optional<String> campaign, List<Row> rows, boolean dryRun) {

    /**
     * One selected mailbox.
     *
     * @param mailbox the mailbox
     * @param found   what the target holds of another campaign ({@link TargetTraces#foreign()} false: nothing)
     * @param adopted true if this call adopted it (would have, in a dry run)
     * @param already true if the ledger holds an adoption of it (before or by this call)
     */
    public record Row(BmaAddress mailbox, TargetTraces found, boolean adopted, boolean already) {
        public Row {
            Objects.requireNonNull(mailbox, "mailbox");
            Objects.requireNonNull(found, "found");
        }

        /** One line for a build log. */
        public String line() {
            if (!found.foreign()) {
                return mailbox + ": no copy of another campaign on its target, nothing to adopt";
            }
            String what = "copies of " + found.campaign().map(c -> "campaign " + c).orElse("a campaign without id")
                    + (found.where().isEmpty() ? "" : " in " + found.where());
            return mailbox + ": " + what + (adopted ? ", adopted" : already ? ", adopted before" : "");
        }
    }

    public AdoptResult {
        Objects.requireNonNull(campaign, "campaign");
        rows = List.copyOf(rows);
    }

    /** One line for a build log. */
    public String summaryLine() {
        return String.format(Locale.ROOT, "%sadopt%s: %d mailbox(es), %d with another campaign's copies, %d %sadopted",
                dryRun ? "dry run " : "", campaign.map(c -> " into campaign " + c).orElse(""), rows.size(),
                rows.stream().filter(r -> r.found().foreign()).count(), rows.stream().filter(Row::adopted).count(),
                dryRun ? "would be " : "newly ");
    }
}
