package be.cfwb.bma;

import be.cfwb.bma.address.Mailbox;

import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.ledger.LedgerHistory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where one mailbox stands.
 *
 * @param mailbox the mailbox
 * @param step    the furthest step done
 * @param since   when that step was recorded; empty while pending
 * @param history everything the ledger recorded for the mailbox, oldest first (read from the
 *                ledger when first used, see {@link LedgerHistory})
 * @param lastOfEachKind the last event of each kind ({@link Ledger#lastOfEachKind}), oldest first:
 *                enough to know which steps were reached without reading the history
 */
public record MailboxStatus(Mailbox mailbox, MailboxStep step, Optional<Instant> since, List<LedgerEvent> history,
                            List<LedgerEvent> lastOfEachKind) {

    public MailboxStatus {
        history = history instanceof LedgerHistory ? history : List.copyOf(history);
        lastOfEachKind = List.copyOf(lastOfEachKind);
    }

    /** A status from the whole history. */
    public MailboxStatus(Mailbox mailbox, MailboxStep step, Optional<Instant> since, List<LedgerEvent> history) {
        this(mailbox, step, since, history, history);
    }

    /** True if the ledger shows {@code step} done (even if a later step is the furthest). */
    public boolean reached(MailboxStep step) {
        return lastOfEachKind.stream().anyMatch(step::isReachedBy);
    }
}
