package be.cfwb.bma.notify;

import be.cfwb.bma.address.BmaAddress;

import java.util.List;
import java.util.Optional;

/**
 * The answer of a {@link DeliveryCheck}: one outcome per sent mail looked at.
 *
 * @param outcomes the mails, mailbox by mailbox, in mail order
 */
public record DeliveryResult(List<DeliveryOutcome> outcomes) {

    public DeliveryResult {
        outcomes = List.copyOf(outcomes);
    }

    /** True unless a mail is still missing from the old mailbox after the delivery wait. */
    public boolean isSuccess() {
        return unconfirmed().isEmpty();
    }

    /** Mails not found after the delivery wait: a problem to watch (wrong relay, full mailbox, filter). */
    public List<DeliveryOutcome> unconfirmed() {
        return withStatus(DeliveryOutcome.Status.UNCONFIRMED);
    }

    /** Mails not found yet, still within the delivery wait. */
    public List<DeliveryOutcome> pending() {
        return withStatus(DeliveryOutcome.Status.PENDING);
    }

    public List<DeliveryOutcome> withStatus(DeliveryOutcome.Status status) {
        return outcomes.stream().filter(o -> o.status() == status).toList();
    }

    /** The outcome of mail {@code mail} of {@code mailbox}, if it was looked at. */
    public Optional<DeliveryOutcome> of(BmaAddress mailbox, int mail) {
        return outcomes.stream().filter(o -> o.mailbox().equals(mailbox) && o.mail() == mail).findFirst();
    }
}
