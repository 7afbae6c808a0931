package be.cfwb.bma;

import be.cfwb.bma.address.Mailbox;

import be.cfwb.bma.ledger.LedgerEvent;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where one mailbox stands.
 *
 * @param mailbox the mailbox
 * @param step    the furthest step done
 * @param since   when that step was recorded; empty while pending
 * @param history everything the ledger recorded for the mailbox, oldest first
 */
public record MailboxStatus(Mailbox mailbox, MailboxStep step, Optional<Instant> since, List<LedgerEvent> history) {

    public MailboxStatus {
        history = List.copyOf(history);
    }
}
