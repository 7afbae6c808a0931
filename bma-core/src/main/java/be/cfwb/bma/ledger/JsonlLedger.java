package be.cfwb.bma.ledger;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The toolkit's memory: an append-only journal of what was done, one JSON object a line
 * ({@value #JOURNAL}), each append forced to disk before it returns. Lives in its own
 * directory, outside {@code target/}, so that a {@code mvn clean} can never make us resend a
 * mail or forget a copy. The format is described in {@code docs/configuration.md} (ledger).
 *
 * <p>One writer at a time: {@link #open} takes an exclusive lock on {@value #LOCK} and a second
 * opener, in this process or another, is refused with a message naming the holder. Within
 * the process, appends from many threads are safe. Readers never wait: {@link #openReadOnly}
 * takes no lock and sees the journal as it was when it opened, up to its last complete line
 * (appends only ever add whole lines at the end, so that prefix never changes).
 *
 * <p>Opening streams the journal once and keeps an index, not the events: per mailbox, where its
 * lines are and the last event of each kind ({@link #lastOfEachKind}), from which its step is
 * read; {@link #history} and {@link #events} read the lines again from the file. Opened from a
 * saved index ({@link IndexSnapshot}), where the lines are stays in that file until a history asks.
 *
 * <p>After a crash the last line may be torn (written in part). It is set aside in
 * {@value #TORN} and reported by {@link #recovery()}: the event it held was never
 * confirmed, and the steps that record events check the world before repeating an action.
 * A bad line anywhere else is corruption and refuses to open. An append that fails (a full
 * disk) is cut back to the last complete line and stops the ledger: nothing is half-recorded.
 *
 * <p>The ledger never stores a secret: an entry whose key names one (password, secret,
 * token...) is refused.
 */
public final class JsonlLedger extends Ledger {

    private static final Logger LOG = LoggerFactory.getLogger(JsonlLedger.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final Clock clock;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final FileChannel journal;
    private final JournalIndex.Index index;
    private final Optional<String> recovery;
    private long length;
    private BmaException failure;
    private long snapshotCount;
    private boolean closed;

    private JsonlLedger(Path directory, Clock clock, FileChannel lockChannel, FileLock lock, FileChannel journal,
                   JournalIndex.Index index, long length, Optional<String> recovery) {
        this.directory = directory;
        this.clock = clock;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.journal = journal;
        this.index = index;
        this.length = length;
        this.recovery = recovery;
    }

    static JsonlLedger openWriter(Path directory, Clock clock, JournalChannels channels) {
        Path dir = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE,
                    "Ledger directory " + dir + " cannot be created: " + e.getMessage(), e);
        }
        FileChannel lockChannel = null;
        FileChannel journal = null;
        try {
            lockChannel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = acquire(lockChannel, dir);
            writeHolder(lockChannel);
            Path journalFile = dir.resolve(JOURNAL);
            journal = channels.open(journalFile, true);
            JournalIndex.Index index = IndexSnapshot.read(dir, journal).orElseGet(JournalIndex.Index::new);
            long[] length = new long[1];
            Optional<String> recovery = JournalFile.load(journal, index.length, journal.size(), journalFile, dir, index, true, length);
            recovery.ifPresent(r -> LOG.warn("{}", r));
            JsonlLedger ledger = new JsonlLedger(dir, clock, lockChannel, lock, journal, index, length[0], recovery);
            ledger.snapshotCount = index.snapshotCount;
            return ledger;
        } catch (IOException e) {
            closeQuietly(journal);
            closeQuietly(lockChannel);
            throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, "Ledger in " + dir + " cannot be opened: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(journal);
            closeQuietly(lockChannel);
            throw e;
        }
    }

    /**
     * Opens the ledger in {@code directory} to read only, without the writer's lock, so it answers
     * while another process writes: what it shows is the journal as it was at this call, up to its
     * last complete line. It repairs nothing and creates nothing; a missing ledger reads as empty.
     *
     * @throws BmaException {@link BmaErrorCode#LEDGER_UNAVAILABLE} if the journal cannot be read;
     *                      {@link BmaErrorCode#LEDGER_CORRUPT} if a complete line is not a valid event
     */
    static JsonlLedger openReader(Path directory, Clock clock) {
        Path dir = directory.toAbsolutePath().normalize();
        Path journalFile = dir.resolve(JOURNAL);
        FileChannel journal = null;
        try {
            journal = FILES.open(journalFile, false);
            JournalIndex.Index index = IndexSnapshot.read(dir, journal).orElseGet(JournalIndex.Index::new);
            long[] length = new long[1];
            JournalFile.load(journal, index.length, journal.size(), journalFile, dir, index, false, length);
            if (index.count - index.snapshotCount >= SNAPSHOT_EVERY) {
                // Not a change to the ledger: a cache beside it, replaced atomically; a reader that cannot write it goes on.
                IndexSnapshot.write(dir, journal, index, length[0]);
            }
            return new JsonlLedger(dir, clock, null, null, journal, index, length[0], Optional.empty());
        } catch (NoSuchFileException e) {
            return new JsonlLedger(dir, clock, null, null, null, new JournalIndex.Index(), 0, Optional.empty());
        } catch (IOException e) {
            closeQuietly(journal);
            throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, "Ledger in " + dir + " cannot be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(journal);
            throw e;
        }
    }

    private static FileLock acquire(FileChannel channel, Path dir) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, "Ledger in " + dir
                    + " is already open in this process; share the open Ledger instead of opening it twice");
        }
        if (lock == null) {
            ByteBuffer buffer = ByteBuffer.allocate(256);
            channel.read(buffer, 0);
            String holder = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
            throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, "Ledger in " + dir
                    + " is in use by another process" + (holder.isEmpty() ? "" : " (" + holder + ")")
                    + "; wait for it to finish, two runs on one ledger could send a mail twice"
                    + " (bma:status and bma:report read it meanwhile)");
        }
        return lock;
    }

    private static void writeHolder(FileChannel channel) throws IOException {
        String holder = "pid " + ProcessHandle.current().pid() + " since " + Instant.now();
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
    }

    /**
     * Records an event and forces it to disk before returning. If the write or the flush fails (a
     * full disk), the journal is cut back to its last complete line and this ledger refuses every
     * later append: the run stops, and nothing is half-recorded.
     *
     * @throws IllegalArgumentException if a data key names a secret
     * @throws BmaException             {@link BmaErrorCode#LEDGER_UNAVAILABLE} if the event could not be recorded
     */
    @Override
    public synchronized LedgerEvent append(LedgerEntry entry) {
        ensureOpen();
        if (lock == null) {
            throw new IllegalStateException("Ledger in " + directory + " was opened read-only");
        }
        if (failure != null) {
            throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, failure.getMessage(), failure);
        }
        refuseSecrets(entry);
        LedgerEvent event = new LedgerEvent(index.count + 1L, clock.instant().truncatedTo(ChronoUnit.MILLIS),
                entry.type(), entry.mailbox(), entry.data());
        byte[] line = (toJson(event) + "\n").getBytes(StandardCharsets.UTF_8);
        long at = length;
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                journal.write(buffer, at + buffer.position());
            }
            journal.force(false);
        } catch (IOException | RuntimeException e) {
            failure = cutBack(at, event, e);
            throw failure;
        }
        length = at + line.length;
        index.add(event, at, line.length);
        return event;
    }

    /** Undoes a failed append, so the journal ends with its last complete event again. */
    private BmaException cutBack(long at, LedgerEvent event, Exception cause) {
        String undone;
        try {
            journal.truncate(at);
            journal.force(true);
            undone = "the journal was cut back to its last complete event, so nothing of it is kept";
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
            undone = "the journal could not be cut back either; its partial last line will be set aside"
                    + " when the ledger is next opened";
        }
        String what = event.type() + event.mailbox().map(m -> " for " + m).orElse("");
        BmaException failed = new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, "Ledger " + directory.resolve(JOURNAL)
                + " could not record " + what + " (" + cause.getMessage() + "; is the disk full?): " + undone
                + ". The run stops here; free space and run again: what was not recorded is redone or checked", cause);
        LOG.error("{}", failed.getMessage());
        return failed;
    }

    static String toJson(LedgerEvent event) {
        ObjectNode node = JSON.createObjectNode();
        node.put("seq", event.sequence());
        node.put("at", event.at().toString());
        node.put("type", event.type());
        event.mailbox().ifPresent(m -> node.put("mailbox", m.toString()));
        ObjectNode data = node.putObject("data");
        event.data().forEach(data::put);
        return node.toString();
    }

    /** The events that match, oldest first (read again from the journal). */
    @Override
    public synchronized List<LedgerEvent> events(Predicate<LedgerEvent> filter) {
        ensureOpen();
        List<LedgerEvent> events = new ArrayList<>();
        if (journal == null || length == 0) {
            return events;
        }
        try {
            JournalIndex.Index scan = new JournalIndex.Index();
            scan.collected = events;
            scan.keep = filter;
            // The prefix up to length is complete lines only: a scan never repairs anything.
            JournalFile.load(journal, 0, length, directory.resolve(JOURNAL), directory, scan, false, new long[1]);
        } catch (IOException e) {
            throw unreadable(e);
        }
        return events;
    }

    /** How many events the ledger holds. */
    @Override
    public synchronized long size() {
        return index.count;
    }

    /** What happened to one mailbox, oldest first. */
    @Override
    public synchronized List<LedgerEvent> history(BmaAddress mailbox) {
        ensureOpen();
        JournalIndex.Track track = index.byMailbox.get(mailbox);
        if (track == null) {
            return List.of();
        }
        try {
            return index.source(directory.resolve(JOURNAL), track, Optional.of(mailbox)).read(journal);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** As {@link #history}, read from the journal only when first used (and still after this ledger is closed). */
    @Override
    public synchronized List<LedgerEvent> historyView(BmaAddress mailbox) {
        ensureOpen();
        JournalIndex.Track track = index.byMailbox.get(mailbox);
        if (track == null) {
            return List.of();
        }
        return new LedgerHistory(index.source(directory.resolve(JOURNAL), track, Optional.of(mailbox)));
    }

    /**
     * The last event of each kind for {@code mailbox}, oldest first: of each type, per mail for
     * mails, per pass and completeness for passes, per folder for synced folders. Held in memory,
     * so it answers without reading the journal: enough to know a mailbox's step and when it was
     * reached, the mails sent, the last pass and each folder's high-water mark.
     */
    @Override
    public synchronized List<LedgerEvent> lastOfEachKind(BmaAddress mailbox) {
        ensureOpen();
        JournalIndex.Track track = index.byMailbox.get(mailbox);
        return track == null ? List.of() : track.lastOfEachKind();
    }

    /** The last run-wide event (no mailbox) of each kind, oldest first. */
    @Override
    public synchronized List<LedgerEvent> lastOfEachKind() {
        ensureOpen();
        return index.runWide.lastOfEachKind();
    }

    /** The mailboxes the ledger holds events of. */
    @Override
    public synchronized Set<BmaAddress> mailboxes() {
        return Set.copyOf(index.byMailbox.keySet());
    }

    /** What opening had to repair (a torn last line), if anything; for reports. */
    @Override
    public Optional<String> recovery() {
        return recovery;
    }

    @Override
    public Path directory() {
        return directory;
    }

    /** True if this instance cannot append ({@link #openReadOnly}). */
    @Override
    public boolean isReadOnly() {
        return lock == null;
    }

    private BmaException unreadable(IOException e) {
        return new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE,
                "Ledger " + directory.resolve(JOURNAL) + " cannot be read: " + e.getMessage(), e);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Ledger in " + directory + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (lock != null && failure == null && index.count - snapshotCount >= SNAPSHOT_EVERY) {
            IndexSnapshot.write(directory, journal, index, length);
        }
        if (index.stored != null) {
            index.stored.close();
        }
        closeQuietly(journal);
        if (lock != null) {
            try {
                lock.release();
            } catch (IOException e) {
                LOG.debug("Releasing the ledger lock failed", e);
            }
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("Closing failed", e);
            }
        }
    }

    @Override
    public synchronized String toString() {
        return "Ledger[" + directory + ", " + index.count + " events" + (isReadOnly() ? ", read-only" : "") + "]";
    }
}
