package be.cfwb.bma.notify;

import be.cfwb.bma.address.BmaAddress;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one sent notification mail stands in the old mailbox.
 *
 * @param mailbox   the mailbox it was sent to
 * @param mail      which mail, 1 to 4
 * @param messageId its Message-ID, as recorded in {@code mail.sent}
 * @param sentAt    when {@code mail.sent} was recorded
 * @param status    found now, found before, not found yet within the wait, or not found after it
 * @param folder    the folder it was found in (encoded path), when found
 * @param detail    for people: why it is not confirmed; never a secret
 */
public record DeliveryOutcome(BmaAddress mailbox, int mail, String messageId, Instant sentAt, Status status,
                              Optional<String> folder, String detail) {

    /** The states of a sent mail's delivery. */
    public enum Status {
        /** Found in the old mailbox by this check; {@code mail.delivered} recorded. */
        DELIVERED,
        /** Recorded as found by an earlier check. */
        ALREADY_DELIVERED,
        /** Not found yet, but sent less than the delivery wait ago: look again later. */
        PENDING,
        /** Not found although the delivery wait has passed: the school may never see it. */
        UNCONFIRMED
    }

    public DeliveryOutcome {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(status, "status");
        folder = folder == null ? Optional.empty() : folder;
        detail = detail == null ? "" : detail;
    }

    /** Found, now or before. */
    public boolean isConfirmed() {
        return status == Status.DELIVERED || status == Status.ALREADY_DELIVERED;
    }
}
