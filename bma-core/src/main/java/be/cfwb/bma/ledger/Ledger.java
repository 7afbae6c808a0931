package be.cfwb.bma.ledger;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
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
 * read; {@link #history} and {@link #events} read the lines again from the file.
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
public final class Ledger implements AutoCloseable {

    public static final String JOURNAL = "ledger.jsonl";
    public static final String LOCK = "ledger.lock";
    public static final String TORN = "ledger.torn";

    private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory PARSERS = JSON.getFactory();
    private static final Set<String> SECRET_WORDS = Set.of("password", "passwd", "secret", "token", "credential");
    private static final int CHUNK = 1 << 20;
    /** Events not yet in the index snapshot ({@value IndexSnapshot#FILE}) after which closing writes a new one. */
    static final int SNAPSHOT_EVERY = 5_000;

    /** Opens the journal file; tests inject a channel that fails as a full disk does. */
    @FunctionalInterface
    interface JournalChannels {
        FileChannel open(Path file, boolean writable) throws IOException;
    }

    static final JournalChannels FILES = (file, writable) -> writable
            ? FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)
            : FileChannel.open(file, StandardOpenOption.READ);

    private final Path directory;
    private final Clock clock;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final FileChannel journal;
    private final Index index;
    private final Optional<String> recovery;
    private long length;
    private BmaException failure;
    private long snapshotCount;
    private boolean closed;

    private Ledger(Path directory, Clock clock, FileChannel lockChannel, FileLock lock, FileChannel journal,
                   Index index, long length, Optional<String> recovery) {
        this.directory = directory;
        this.clock = clock;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.journal = journal;
        this.index = index;
        this.length = length;
        this.recovery = recovery;
    }

    /** Opens (creating if needed) the ledger in {@code directory}, with the system clock. */
    public static Ledger open(Path directory) {
        return open(directory, Clock.systemUTC());
    }

    /**
     * Opens (creating if needed) the ledger in {@code directory} for writing.
     *
     * @throws BmaException {@link BmaErrorCode#LEDGER_UNAVAILABLE} if another process holds it or the
     *                      directory is unusable; {@link BmaErrorCode#LEDGER_CORRUPT} if a line
     *                      other than the last is not a valid event
     */
    public static Ledger open(Path directory, Clock clock) {
        return open(directory, clock, FILES);
    }

    static Ledger open(Path directory, Clock clock, JournalChannels channels) {
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
            Index index = IndexSnapshot.read(dir, journal).orElseGet(Index::new);
            long[] length = new long[1];
            Optional<String> recovery = load(journal, index.length, journal.size(), journalFile, dir, index, true, length);
            recovery.ifPresent(r -> LOG.warn("{}", r));
            Ledger ledger = new Ledger(dir, clock, lockChannel, lock, journal, index, length[0], recovery);
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
    public static Ledger openReadOnly(Path directory, Clock clock) {
        Path dir = directory.toAbsolutePath().normalize();
        Path journalFile = dir.resolve(JOURNAL);
        FileChannel journal = null;
        try {
            journal = FILES.open(journalFile, false);
            Index index = IndexSnapshot.read(dir, journal).orElseGet(Index::new);
            long[] length = new long[1];
            load(journal, index.length, journal.size(), journalFile, dir, index, false, length);
            if (index.count - index.snapshotCount >= SNAPSHOT_EVERY) {
                // Not a change to the ledger: a cache beside it, replaced atomically; a reader that cannot write it goes on.
                IndexSnapshot.write(dir, journal, index, length[0]);
            }
            return new Ledger(dir, clock, null, null, journal, index, length[0], Optional.empty());
        } catch (NoSuchFileException e) {
            return new Ledger(dir, clock, null, null, null, new Index(), 0, Optional.empty());
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
     * Streams the journal into {@code index}, chunk by chunk. A writer repairs a torn last line; a
     * reader stops before it (a writer may be in the middle of it).
     */
    private static Optional<String> load(FileChannel journal, long indexed, long size, Path file, Path dir, Index index,
                                         boolean writer, long[] lengthOut) throws IOException {
        Parser parser = new Parser();
        byte[] pending = new byte[0];
        long pendingAt = 0;
        long position = indexed;
        long lineNumber = index.count;
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(size, 1)));
        while (position < size) {
            chunk.clear();
            chunk.limit((int) Math.min(chunk.capacity(), size - position));
            int read = journal.read(chunk, position);
            if (read <= 0) {
                break;
            }
            byte[] bytes = chunk.array();
            int start = 0;
            for (int i = 0; i < read; i++) {
                if (bytes[i] != '\n') {
                    continue;
                }
                lineNumber++;
                long lineAt;
                byte[] line;
                int from;
                int len;
                if (pending.length > 0) {
                    line = Arrays.copyOf(pending, pending.length + i - start);
                    System.arraycopy(bytes, start, line, pending.length, i - start);
                    lineAt = pendingAt;
                    from = 0;
                    len = line.length;
                    pending = new byte[0];
                } else {
                    line = bytes;
                    lineAt = position + start;
                    from = start;
                    len = i - start;
                }
                if (!isBlank(line, from, len)) {
                    Optional<LedgerEvent> event = parser.parse(line, from, len);
                    if (event.isEmpty()) {
                        throw new BmaException(BmaErrorCode.LEDGER_CORRUPT, "Ledger " + file + " line " + lineNumber
                                + " is not a valid event; the ledger was changed by hand or damaged. Restore it from a backup"
                                + " or repair that line; the toolkit will not guess what it said");
                    }
                    index.add(event.get(), lineAt, len + 1);
                }
                start = i + 1;
            }
            if (start < read) {
                if (pending.length == 0) {
                    pendingAt = position + start;
                }
                int old = pending.length;
                pending = Arrays.copyOf(pending, old + read - start);
                System.arraycopy(bytes, start, pending, old, read - start);
            }
            position += read;
        }
        long complete = pending.length == 0 ? position : pendingAt;
        lengthOut[0] = complete;
        if (pending.length == 0 || !writer) {
            return Optional.empty();
        }
        lineNumber++;
        Optional<LedgerEvent> event = isBlank(pending, 0, pending.length) ? Optional.empty()
                : parser.parse(pending, 0, pending.length);
        if (event.isPresent()) {
            // Whole but for its newline: the event was written, only the terminator was lost.
            journal.write(ByteBuffer.wrap(new byte[] {'\n'}), position);
            journal.force(true);
            index.add(event.get(), pendingAt, pending.length + 1);
            lengthOut[0] = position + 1;
            return Optional.empty();
        }
        // The append that wrote this line never completed.
        Files.write(dir.resolve(TORN), pending, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Files.write(dir.resolve(TORN), new byte[] {'\n'}, StandardOpenOption.APPEND);
        journal.truncate(pendingAt);
        journal.force(true);
        return Optional.of("Ledger " + file + ": the last line (" + lineNumber + ") was torn by an interrupted run and was moved to "
                + dir.resolve(TORN) + "; the event it held was not confirmed and will be redone or checked");
    }

    private static boolean isBlank(byte[] bytes, int from, int len) {
        for (int i = from; i < from + len; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * Records an event and forces it to disk before returning. If the write or the flush fails (a
     * full disk), the journal is cut back to its last complete line and this ledger refuses every
     * later append: the run stops, and nothing is half-recorded.
     *
     * @throws IllegalArgumentException if a data key names a secret
     * @throws BmaException             {@link BmaErrorCode#LEDGER_UNAVAILABLE} if the event could not be recorded
     */
    public synchronized LedgerEvent append(LedgerEntry entry) {
        ensureOpen();
        if (lock == null) {
            throw new IllegalStateException("Ledger in " + directory + " was opened read-only");
        }
        if (failure != null) {
            throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, failure.getMessage(), failure);
        }
        for (String key : entry.data().keySet()) {
            String k = key.toLowerCase(Locale.ROOT);
            if (SECRET_WORDS.stream().anyMatch(k::contains)) {
                throw new IllegalArgumentException("The ledger never stores secrets; refused key '" + key + "'");
            }
        }
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

    /** Every event, oldest first (read again from the journal: for small ledgers and tests). */
    public List<LedgerEvent> events() {
        return events(e -> true);
    }

    /** The events that match, oldest first (read again from the journal). */
    public synchronized List<LedgerEvent> events(Predicate<LedgerEvent> filter) {
        ensureOpen();
        List<LedgerEvent> events = new ArrayList<>();
        if (journal == null || length == 0) {
            return events;
        }
        try {
            Index scan = new Index();
            scan.collected = new ArrayList<>();
            // The prefix up to length is complete lines only: a scan never repairs anything.
            load(journal, 0, length, directory.resolve(JOURNAL), directory, scan, false, new long[1]);
            scan.collected.stream().filter(filter).forEach(events::add);
        } catch (IOException e) {
            throw unreadable(e);
        }
        return events;
    }

    /** How many events the ledger holds. */
    public synchronized long size() {
        return index.count;
    }

    /** What happened to one mailbox, oldest first. */
    public synchronized List<LedgerEvent> history(BmaAddress mailbox) {
        ensureOpen();
        Track track = index.byMailbox.get(mailbox);
        if (track == null) {
            return List.of();
        }
        try {
            return readLines(journal, directory.resolve(JOURNAL), track.offsets, track.lengths, track.size);
        } catch (IOException e) {
            throw unreadable(e);
        }
    }

    /** As {@link #history}, read from the journal only when first used (and still after this ledger is closed). */
    public synchronized List<LedgerEvent> historyView(BmaAddress mailbox) {
        ensureOpen();
        Track track = index.byMailbox.get(mailbox);
        if (track == null) {
            return List.of();
        }
        return new LedgerHistory(directory.resolve(JOURNAL), Arrays.copyOf(track.offsets, track.size),
                Arrays.copyOf(track.lengths, track.size));
    }

    static List<LedgerEvent> readLines(FileChannel journal, Path file, long[] offsets, int[] lengths, int count)
            throws IOException {
        List<LedgerEvent> events = new ArrayList<>(count);
        Parser parser = new Parser();
        for (int i = 0; i < count; i++) {
            ByteBuffer line = ByteBuffer.allocate(lengths[i]);
            while (line.hasRemaining()) {
                if (journal.read(line, offsets[i] + line.position()) < 0) {
                    throw new IOException("the journal ended before its event at byte " + offsets[i]);
                }
            }
            long at = offsets[i];
            events.add(parser.parse(line.array(), 0, line.capacity() - 1).orElseThrow(() -> new BmaException(
                    BmaErrorCode.LEDGER_CORRUPT, "Ledger " + file + " changed under us at byte " + at
                    + "; it is append-only: restore it from a backup")));
        }
        return events;
    }

    /**
     * The last event of each kind for {@code mailbox}, oldest first: of each type, per mail for
     * mails, per pass and completeness for passes, per folder for synced folders. Held in memory,
     * so it answers without reading the journal: enough to know a mailbox's step and when it was
     * reached, the mails sent, the last pass and each folder's high-water mark.
     */
    public synchronized List<LedgerEvent> lastOfEachKind(BmaAddress mailbox) {
        ensureOpen();
        Track track = index.byMailbox.get(mailbox);
        return track == null ? List.of() : track.lastOfEachKind();
    }

    /** The last run-wide event (no mailbox) of each kind, oldest first. */
    public synchronized List<LedgerEvent> lastOfEachKind() {
        ensureOpen();
        return index.runWide.lastOfEachKind();
    }

    /** The most recent event of {@code type} for {@code mailbox}. */
    public synchronized Optional<LedgerEvent> latest(BmaAddress mailbox, String type) {
        return lastOfEachKind(mailbox).stream().filter(e -> e.type().equals(type)).reduce((a, b) -> b);
    }

    /** The mailboxes the ledger holds events of. */
    public synchronized Set<BmaAddress> mailboxes() {
        return Set.copyOf(index.byMailbox.keySet());
    }

    /** What opening had to repair (a torn last line), if anything; for reports. */
    public Optional<String> recovery() {
        return recovery;
    }

    public Path directory() {
        return directory;
    }

    /** True if this instance cannot append ({@link #openReadOnly}). */
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

    /** Where each mailbox's lines are, and the last event of each kind; never the whole journal. */
    static final class Index {
        final Map<BmaAddress, Track> byMailbox = new HashMap<>();
        Track runWide = new Track();
        long count;
        /** The journal length the index was read from a snapshot up to (0 without one), and its events. */
        long length;
        long snapshotCount;
        /** Set only by a full scan ({@link #events}), which wants the events themselves. */
        List<LedgerEvent> collected;

        void add(LedgerEvent event, long offset, int length) {
            count++;
            if (collected != null) {
                collected.add(event);
                return;
            }
            Track track = event.mailbox().isPresent()
                    ? byMailbox.computeIfAbsent(event.mailbox().get(), m -> new Track()) : runWide;
            track.add(event, offset, length);
        }

        Index() {
        }
    }

    static final class Track {
        long[] offsets = new long[4];
        int[] lengths = new int[4];
        int size;
        final Map<String, LedgerEvent> last = new HashMap<>();

        void restore(long[] offsets, int[] lengths, int size, Map<String, LedgerEvent> last) {
            this.offsets = offsets.length == 0 ? new long[4] : offsets;
            this.lengths = lengths.length == 0 ? new int[4] : lengths;
            this.size = size;
            this.last.putAll(last);
        }

        void add(LedgerEvent event, long offset, int length) {
            if (size == offsets.length) {
                offsets = Arrays.copyOf(offsets, size * 2);
                lengths = Arrays.copyOf(lengths, size * 2);
            }
            offsets[size] = offset;
            lengths[size] = length;
            size++;
            last.put(EventCodec.kind(event.event()), event);
        }

        List<LedgerEvent> lastOfEachKind() {
            List<LedgerEvent> events = new ArrayList<>(last.values());
            events.sort(Comparator.comparingLong(LedgerEvent::sequence));
            return events;
        }
    }

    /** A JSON line to a {@link LedgerEvent}, with Jackson's streaming parser (no tree), sharing addresses. */
    private static final class Parser {
        private final Map<String, Optional<BmaAddress>> addresses = new HashMap<>();

        Optional<LedgerEvent> parse(byte[] bytes, int from, int len) {
            try (JsonParser p = PARSERS.createParser(bytes, from, len)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return Optional.empty();
                }
                Long seq = null;
                String at = null;
                String type = null;
                Optional<BmaAddress> mailbox = Optional.empty();
                SortedMap<String, String> data = new TreeMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (name) {
                        case "seq" -> seq = value == JsonToken.VALUE_NULL ? null : p.getValueAsLong();
                        case "at" -> at = value == JsonToken.VALUE_NULL ? null : p.getValueAsString();
                        case "type" -> type = value == JsonToken.VALUE_NULL ? null : p.getValueAsString();
                        case "mailbox" -> mailbox = value == JsonToken.VALUE_NULL ? Optional.empty()
                                : address(p.getValueAsString());
                        case "data" -> readData(p, value, data);
                        default -> p.skipChildren();
                    }
                }
                if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null || seq == null || at == null
                        || type == null || type.isBlank()) {
                    return Optional.empty();
                }
                LedgerEvent event = new LedgerEvent(seq, Instant.parse(at), type, mailbox, data);
                event.event(); // a known type with a malformed value is not a valid event
                return Optional.of(event);
            } catch (IOException | DateTimeParseException | IllegalArgumentException | ArithmeticException | BmaException e) {
                return Optional.empty();
            }
        }

        private Optional<BmaAddress> address(String text) {
            return addresses.computeIfAbsent(text, t -> Optional.of(BmaAddress.parse(t)));
        }

        private static void readData(JsonParser p, JsonToken value, SortedMap<String, String> data) throws IOException {
            if (value != JsonToken.START_OBJECT) {
                p.skipChildren();
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    // As the first reader did (a tree's text): structured values are not ours.
                    p.skipChildren();
                    data.put(key, "");
                } else {
                    data.put(key, v == JsonToken.VALUE_NULL ? "null" : p.getValueAsString());
                }
            }
        }
    }
}
