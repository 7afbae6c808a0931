package be.cfwb.bma;

import be.cfwb.bma.address.BmaKind;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The answer of {@link Bma#status}: one row per selected mailbox, in address order.
 *
 * @param mailboxes      the rows
 * @param ledgerRecovery what opening the ledger had to repair, if anything
 */
public record StatusResult(List<MailboxStatus> mailboxes, Optional<String> ledgerRecovery) {

    public StatusResult {
        mailboxes = List.copyOf(mailboxes);
    }

    /** How many mailboxes are at each step (every step present, zero included). */
    public Map<MailboxStep, Integer> totalsByStep() {
        Map<MailboxStep, Integer> totals = new EnumMap<>(MailboxStep.class);
        for (MailboxStep step : MailboxStep.values()) {
            totals.put(step, 0);
        }
        mailboxes.forEach(m -> totals.merge(m.step(), 1, Integer::sum));
        return totals;
    }

    /** How many mailboxes of each kind were selected. */
    public Map<BmaKind, Integer> totalsByKind() {
        Map<BmaKind, Integer> totals = new EnumMap<>(BmaKind.class);
        for (BmaKind kind : BmaKind.values()) {
            totals.put(kind, 0);
        }
        mailboxes.forEach(m -> totals.merge(m.mailbox().kind(), 1, Integer::sum));
        return totals;
    }
}
