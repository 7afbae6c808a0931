package be.cfwb.bma.notify;

import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;

/**
 * Asked just before the first irreversible step for a mailbox in a notification run (a mail
 * handed to the notifier, a password reset for mail 2): a refusal blocks that mailbox's mails in
 * this run, with the refusal's message, and the other mailboxes go on. Never asked in a dry run.
 */
@FunctionalInterface
public interface MailboxGate {

    /** Lets every mailbox through. */
    MailboxGate OPEN = mailbox -> { };

    /**
     * Returns if {@code mailbox} may be sent mail and have its password reset now.
     *
     * @throws BmaException naming the mailbox, why not and what to do
     */
    void requireOpen(BmaAddress mailbox);
}
