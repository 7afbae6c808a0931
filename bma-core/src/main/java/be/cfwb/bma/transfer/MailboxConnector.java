package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;

/**
 * Opens connections to one server for a mailbox: the engine asks for a new one after a
 * retryable failure. {@link be.cfwb.bma.transfer.imap.ImapSource#connector} and
 * {@link be.cfwb.bma.transfer.imap.ImapTarget#connector} are the IMAP ones; tests wrap them to
 * inject faults.
 *
 * @param <T> {@link MailboxSource} or {@link MailboxTarget}
 */
@FunctionalInterface
public interface MailboxConnector<T extends AutoCloseable> {

    /**
     * A connected, authenticated session for {@code mailbox}.
     *
     * @throws TransferException if it cannot be opened (retryable if it may pass later)
     */
    T open(BmaAddress mailbox);
}
