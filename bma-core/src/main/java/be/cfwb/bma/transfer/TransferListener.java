package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;

import java.time.Duration;

/**
 * Progress of a transfer, for a console, metrics or a UI. Every method has a no-op default;
 * calls come from the engine's worker threads, several at once, so an implementation must
 * be thread-safe and quick.
 */
public interface TransferListener {

    /** Does nothing. */
    TransferListener NONE = new TransferListener() {
    };

    default void mailboxStarted(BmaAddress mailbox, Pass pass) {
    }

    /** A folder is about to be copied: {@code toCopy} messages of {@code listed} are missing on the target. */
    default void folderStarted(BmaAddress mailbox, FolderMapping mapping, int listed, int toCopy) {
    }

    /**
     * As {@link #folderStarted(BmaAddress, FolderMapping, int, int)}, with the bytes of the messages
     * to copy (their RFC822.SIZE), so that progress can be told in bytes; calls the four-argument
     * form by default. The engine calls this one.
     */
    default void folderStarted(BmaAddress mailbox, FolderMapping mapping, int listed, int toCopy, long bytesToCopy) {
        folderStarted(mailbox, mapping, listed, toCopy);
    }

    default void messageCopied(BmaAddress mailbox, FolderPath folder, long uid, long bytes) {
    }

    /** A message was refused for good or failed after retries. */
    default void messageProblem(BmaAddress mailbox, MessageProblem problem) {
    }

    /** A retryable failure happened; the engine waits {@code wait}, reconnects and resumes. */
    default void retrying(BmaAddress mailbox, String reason, int attempt, Duration wait) {
    }

    default void mailboxFinished(MailboxReport report) {
    }
}
