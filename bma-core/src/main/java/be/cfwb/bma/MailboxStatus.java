package be.cfwb.bma;

import be.cfwb.bma.address.Mailbox;

import java.time.Instant;
import java.util.Optional;

/**
 * Where one mailbox stands.
 *
 * @param mailbox the mailbox
 * @param step    the furthest step done
 * @param since   when that step was recorded; empty while pending
 */
public record MailboxStatus(Mailbox mailbox, MailboxStep step, Optional<Instant> since) {
}
