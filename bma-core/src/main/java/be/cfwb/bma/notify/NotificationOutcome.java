package be.cfwb.bma.notify;

import be.cfwb.bma.address.BmaAddress;

import java.time.LocalDateTime;
import java.util.Objects;

/**
 * What a run did with one mail of one mailbox.
 *
 * @param mailbox           the mailbox
 * @param kind              which mail
 * @param status            what happened
 * @param dueAt             when the plan wanted it sent
 * @param late              due on an earlier day than the run's
 * @param possibleDuplicate an earlier run may already have delivered it (it stopped between
 *                          sending and recording); sent again under the crash rule
 * @param messageId         the Message-ID used, empty when nothing was rendered
 * @param detail            why, for the statuses that need one; never a secret
 */
public record NotificationOutcome(BmaAddress mailbox, NotificationKind kind, Status status, LocalDateTime dueAt,
                                  boolean late, boolean possibleDuplicate, String messageId, String detail) {

    /** The fates of a mail in a run. */
    public enum Status {
        /** Handed over and recorded. */
        SENT,
        /** Dry run: written to the outbox, not sent. */
        RENDERED,
        /** Due today but already recorded as sent by an earlier run: not sent again. */
        ALREADY_SENT,
        /** The sender's daily allowance is used up: left for the next run. */
        DEFERRED,
        /** Not sent because the mail before it in this mailbox has not left. */
        BLOCKED,
        /** Refused, or its password could not be set: not sent; the next run tries again. */
        FAILED,
        /** The hand-over broke off: it may have left. The next run sends it again, flagged. */
        UNCERTAIN,
        /** Due later today: a mail never leaves before its planned time; the first run after it sends it. */
        WAITING
    }

    public NotificationOutcome {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(dueAt, "dueAt");
        messageId = messageId == null ? "" : messageId;
        detail = detail == null ? "" : detail;
    }

    /** True for the statuses that need ops' attention. */
    public boolean isProblem() {
        return status == Status.FAILED || status == Status.UNCERTAIN || status == Status.BLOCKED;
    }
}
