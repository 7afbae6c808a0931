package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.FolderMapping;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxReport;
import be.cfwb.bma.transfer.MessageProblem;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferListener;

import java.time.Duration;

/**
 * One mailbox's calls to a {@link TransferListener}, one at a time: its folders are copied over
 * several connections at once, and a listener that keeps per-mailbox progress (bytes done, the
 * folder being copied) may expect a mailbox's events in sequence, as they came with one connection.
 */
final class SerializedListener implements TransferListener {

    private final TransferListener delegate;

    SerializedListener(TransferListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public synchronized void mailboxStarted(BmaAddress mailbox, Pass pass) {
        delegate.mailboxStarted(mailbox, pass);
    }

    @Override
    public synchronized void folderStarted(BmaAddress mailbox, FolderMapping mapping, int listed, int toCopy) {
        delegate.folderStarted(mailbox, mapping, listed, toCopy);
    }

    @Override
    public synchronized void folderStarted(BmaAddress mailbox, FolderMapping mapping, int listed, int toCopy,
                                           long bytesToCopy) {
        delegate.folderStarted(mailbox, mapping, listed, toCopy, bytesToCopy);
    }

    @Override
    public synchronized void messageCopied(BmaAddress mailbox, FolderPath folder, long uid, long bytes) {
        delegate.messageCopied(mailbox, folder, uid, bytes);
    }

    @Override
    public synchronized void messageProblem(BmaAddress mailbox, MessageProblem problem) {
        delegate.messageProblem(mailbox, problem);
    }

    @Override
    public synchronized void retrying(BmaAddress mailbox, String reason, int attempt, Duration wait) {
        delegate.retrying(mailbox, reason, attempt, wait);
    }

    @Override
    public synchronized void mailboxFinished(MailboxReport report) {
        delegate.mailboxFinished(report);
    }
}
