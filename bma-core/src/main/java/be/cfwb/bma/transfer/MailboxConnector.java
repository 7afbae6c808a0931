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

    /**
     * A further connection for {@code mailbox}, opened while {@code beside}, one of its
     * connections of this pass, is open: it may take what {@code beside} already learnt of the
     * mailbox (the hierarchy separator, the folder list) instead of asking the server again, a round
     * trip each at the start of every further connection. The engine asks for it only for a further
     * connection's first opening; after a failure it opens afresh ({@link #open}). By default,
     * {@link #open}: a connector whose connections learn nothing worth sharing keeps it.
     *
     * @throws TransferException as {@link #open}
     */
    default T openBeside(BmaAddress mailbox, T beside) {
        return open(mailbox);
    }
}
