package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.ObjIntConsumer;

/**
 * The new mailbox. Each copied message carries its {@link SourceKey} (IMAP: trace header
 * {@value SourceKey#HEADER}; Graph: an extended property), so that {@link #messages} tells
 * which source messages are already there, across crashes and reruns. One instance serves
 * one mailbox from one thread. Failures are {@link TransferException}s, classified.
 */
public interface MailboxTarget extends AutoCloseable {

    BmaAddress mailbox();

    /**
     * The character the target cannot have inside a folder name (IMAP: its hierarchy
     * separator), if any; the {@link FolderMapper} replaces it in source names.
     */
    Optional<Character> reservedNameCharacter();

    /** Creates the folder (and its parents) if missing, resolving a well-known base. */
    void ensureFolder(TargetFolder folder);

    /**
     * Makes ahead, in fewer round trips where the protocol allows, the folders the pass is about to
     * {@link #ensureFolder ensure} one by one: an IMAP target sends the CREATEs of the missing ones
     * all at once. Nothing is refused here: a folder not made is left to its own
     * {@code ensureFolder}, which makes it or reports why not. By default nothing.
     */
    default void prepareFolders(List<TargetFolder> folders) {
    }

    /**
     * The messages of the folder that carry a source key (others, e.g. mail delivered to the
     * new mailbox, are not listed). A missing folder has none.
     */
    List<TargetMessage> messages(TargetFolder folder);

    /**
     * Stores one message in an existing folder with its flags, date and key.
     *
     * @return copied, or rejected for good with the reason
     * @throws TransferException for failures that may pass on retry
     */
    AppendOutcome append(TargetFolder folder, MessageToCopy message);

    /**
     * Stores several messages in an existing folder: all in one request where the target can
     * (IMAP: MULTIAPPEND, which is all or nothing), else one by one. Each outcome is handed to
     * {@code done} with the message's index as soon as it is known, so that a failure part-way
     * leaves the earlier outcomes recorded.
     *
     * @throws TransferException for failures that may pass on retry, as {@link #append} does;
     *                           the messages without an outcome may or may not be stored
     */
    default void appendAll(TargetFolder folder, List<? extends MessageToCopy> messages,
                           ObjIntConsumer<AppendOutcome> done) {
        for (int i = 0; i < messages.size(); i++) {
            done.accept(append(folder, messages.get(i)), i);
        }
    }

    /**
     * The bytes the target holds for a copied message, as stored (IMAP: trace header first),
     * where the target keeps them; empty where it does not (Graph rebuilds the MIME).
     */
    default Optional<InputStream> openCopy(TargetFolder folder, TargetMessage message) {
        return Optional.empty();
    }

    /**
     * Moves a copy to another folder of this mailbox, with its flags, date and trace header: how
     * the copy follows a message moved (or a folder renamed) on the old server between passes.
     * The default cannot: the engine then copies the message again and leaves this copy (which
     * {@link Verifier} reports as an extra copy).
     *
     * @return true if moved; false if this target cannot move (nothing changed)
     */
    default boolean move(TargetFolder from, TargetMessage message, TargetFolder to) {
        return false;
    }

    /** Sets a copied message's flags to {@code flags} (flag sync on delta passes). */
    void updateFlags(TargetFolder folder, TargetMessage message, MessageFlags flags);

    /**
     * How long a command takes to come back on this connection, measured now (a cheap command
     * such as IMAP's NOOP), for the engine to judge whether further connections would hide any
     * latency ({@link TransferSettings#furtherConnectionsFrom()}). Empty when the adapter cannot
     * tell: the server is then treated as far.
     */
    default Optional<Duration> roundTrip() {
        return Optional.empty();
    }

    /**
     * Throttling answers this target met and waited out itself since it was opened, for adapters
     * whose client retries on its own (Graph's SDK waits out 429 and 503; a per-mailbox budget
     * holds requests back): the engine adds them to the mailbox's {@link RetryStats} before it
     * closes the target. Adapters that leave retries to the engine keep the default, none.
     */
    default RetryStats retryStats() {
        return RetryStats.NONE;
    }

    @Override
    void close();
}
