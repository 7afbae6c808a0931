package be.cfwb.bma.cutover;

import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.BmaAddress;

/**
 * What happened to one mailbox's cutover.
 *
 * @param mailbox the mailbox
 * @param status  recorded now, already recorded earlier, refused (its steps are not done, or mail 4 is not
 *                confirmed in the old mailbox), or the hook failed
 * @param stepBefore the mailbox's step when asked
 * @param detail  why, for people: the missing step, the hook's exit code and last output
 */
public record CutoverOutcome(BmaAddress mailbox, Status status, MailboxStep stepBefore, String detail) {

    /** The possible outcomes. */
    public enum Status {
        RECORDED, ALREADY_RECORDED, NOT_READY, HOOK_FAILED,
        /** Refused for now: mail 4 was sent but is not in the old mailbox yet, within the delivery wait. */
        AWAITING_MAIL4,
        /** Refused: mail 4 is still not in the old mailbox after the delivery wait; the school would never read it. */
        MAIL4_UNCONFIRMED
    }

    public boolean isDone() {
        return status == Status.RECORDED || status == Status.ALREADY_RECORDED;
    }
}
