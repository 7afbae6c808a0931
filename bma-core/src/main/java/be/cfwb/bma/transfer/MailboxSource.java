package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The old mailbox, read-only: an implementation must never change it (IMAP: EXAMINE and
 * BODY.PEEK only). One instance serves one mailbox from one thread; it reconnects by being
 * closed and opened again by its {@link MailboxConnector}. Failures are
 * {@link TransferException}s, classified.
 */
public interface MailboxSource extends AutoCloseable {

    BmaAddress mailbox();

    /**
     * The prefix under which the server keeps the user's folders, when it has one: Courier-style
     * servers show every folder under {@code INBOX.}, yet users see them as top-level folders.
     * Empty when folders live at the root.
     */
    default Optional<FolderPath> personalNamespace() {
        return Optional.empty();
    }

    /** Every folder of the mailbox, parents before children. */
    List<SourceFolder> folders();

    /**
     * As {@link #folders()}, for a caller that asks {@link #personalNamespace()} next: a source
     * may learn both in one round trip. By default {@link #folders()}.
     */
    default List<SourceFolder> foldersAndNamespace() {
        return folders();
    }

    /**
     * The folder's UIDVALIDITY and the messages with a UID above {@code afterUid} (0 for all),
     * with their metadata, fetched in batches.
     */
    FolderListing list(FolderPath folder, long afterUid);

    /**
     * As {@link #list(FolderPath, long)}; without {@code messageIds} the source may leave every
     * {@link SourceMessage#messageId()} empty, sparing a header read per message (the engine
     * needs them only to recognise copies made under an earlier UIDVALIDITY). The default
     * always reads them.
     */
    default FolderListing list(FolderPath folder, long afterUid, boolean messageIds) {
        return list(folder, afterUid);
    }

    /**
     * The whole listing of a folder about to be copied for the first time (as
     * {@link #list(FolderPath, long, boolean) list(folder, 0, false)}) and, where the source can
     * bring them in the same round trip, the bodies of its messages: a small folder is then read
     * in one round trip instead of two. The source bounds what it reads this way (IMAP: a folder
     * whose size by the pass's status listing is at most {@code maxBytes}). The default reads the
     * listing alone.
     */
    default FolderListing.WithBodies listWithBodies(FolderPath folder, long maxBytes) {
        return list(folder, 0, false).withoutBodies();
    }

    /**
     * The UIDs of the messages in {@code folder} whose Message-ID header holds {@code messageId},
     * read-only (IMAP: EXAMINE and {@code UID SEARCH HEADER Message-ID}): how a notification
     * mail is found where the school reads it. The default lists the folder.
     */
    default List<Long> findByMessageId(FolderPath folder, String messageId) {
        return list(folder, 0, true).messages().stream()
                .filter(m -> m.messageId().filter(id -> id.contains(messageId)).isPresent())
                .map(SourceMessage::uid).toList();
    }

    /**
     * The bytes of one message, unchanged, streamed (not read whole into memory).
     *
     * @throws TransferException permanent if the folder's UIDVALIDITY is no longer
     *                           {@code uidValidity} or the message is gone
     */
    InputStream open(FolderPath folder, long uidValidity, long uid);

    /**
     * As {@link #open(FolderPath, long, long)}, for a message the folder's listing gave as
     * {@code listedSize} bytes: a source that reads a large message in parts may ask for as many
     * of them at once as that size takes, instead of learning the size from its first part. The
     * size only sizes those first requests: the message's bytes are read to their real end,
     * whatever the listing said. The default ignores it.
     */
    default InputStream open(FolderPath folder, long uidValidity, long uid, long listedSize) {
        return open(folder, uidValidity, uid);
    }

    /**
     * The bytes of several small messages in one request (IMAP: one {@code UID FETCH} of
     * {@code BODY.PEEK[]} for the whole set), unchanged, by UID, as heap buffers the caller may
     * keep (their remaining bytes are the message; nobody writes them). Held in memory: the caller
     * keeps the set within a budget by the listed sizes. A UID missing from the result is read
     * with {@link #open}, which says why it cannot be. The default reads nothing at once.
     *
     * @throws TransferException permanent if the folder's UIDVALIDITY is no longer {@code uidValidity}
     */
    default Map<Long, ByteBuffer> readAll(FolderPath folder, long uidValidity, List<Long> uids) {
        return Map.of();
    }

    /**
     * True only if the folder certainly holds no message with a UID above {@code highestUid}
     * under {@code uidValidity}, found out cheaply (IMAP: one STATUS, without opening the
     * folder). False when unsure: the caller then lists the folder.
     */
    default boolean nothingAbove(FolderPath folder, long uidValidity, long highestUid) {
        return false;
    }

    /**
     * The folder's UIDVALIDITY and UIDNEXT if the source already knows, without a command of its
     * own, that it holds no message (IMAP: its answer to the pass's folder listing where the server
     * offers LIST-STATUS); empty when unsure: the caller then lists the folder.
     */
    default Optional<EmptyFolder> knownEmpty(FolderPath folder) {
        return Optional.empty();
    }

    /**
     * How many messages the folder holds if the source already knows it without a command of its own
     * (IMAP: the pass's folder listing where the server offers LIST-STATUS); empty when unsure.
     */
    default OptionalLong knownMessageCount(FolderPath folder) {
        return OptionalLong.empty();
    }

    /** A folder holding no message: its UIDVALIDITY, and the UID the next message in it will get. */
    record EmptyFolder(long uidValidity, long uidNext) {
    }

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
     * Throttling answers this source met and waited out itself since it was opened, for adapters
     * whose client retries on its own (Graph's SDK waits out 429 and 503; a per-mailbox budget
     * holds requests back): the engine adds them to the mailbox's {@link RetryStats} before it
     * closes the source. Adapters that leave retries to the engine keep the default, none.
     */
    default RetryStats retryStats() {
        return RetryStats.NONE;
    }

    @Override
    void close();
}
