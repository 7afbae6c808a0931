package be.cfwb.bma.ledger;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The toolkit's memory: an append-only journal of what was done, one JSON object a line
 * ({@value #JOURNAL}), each append forced to disk before it returns. Lives in its own
 * directory, outside {@code target/}, so that a {@code mvn clean} can never make us resend a
 * mail or forget a copy.
 *
 * <p>One process at a time: opening takes an exclusive lock on {@value #LOCK} and a second
 * opener, in this process or another, is refused with a message naming the holder. Within
 * the process, appends from many threads are safe.
 *
 * <p>After a crash the last line may be torn (written in part). It is set aside in
 * {@value #TORN} and reported by {@link #recovery()}: the event it held was never
 * confirmed, and the steps that record events check the world before repeating an action.
 * A bad line anywhere else is corruption and refuses to open.
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
    private static final Set<String> SECRET_WORDS = Set.of("password", "passwd", "secret", "token", "credential");

    private final Path directory;
    private final Clock clock;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final FileChannel journal;
    private final List<LedgerEvent> events;
    private final Optional<String> recovery;
    private boolean closed;

    private Ledger(Path directory, Clock clock, FileChannel lockChannel, FileLock lock, FileChannel journal,
                   List<LedgerEvent> events, Optional<String> recovery) {
        this.directory = directory;
        this.clock = clock;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.journal = journal;
        this.events = events;
        this.recovery = recovery;
    }

    /** Opens (creating if needed) the ledger in {@code directory}, with the system clock. */
    public static Ledger open(Path directory) {
        return open(directory, Clock.systemUTC());
    }

    /**
     * Opens (creating if needed) the ledger in {@code directory}.
     *
     * @throws BmaException {@link BmaErrorCode#LEDGER_UNAVAILABLE} if another process holds it or the
     *                      directory is unusable; {@link BmaErrorCode#LEDGER_CORRUPT} if a line
     *                      other than the last is not a valid event
     */
    public static Ledger open(Path directory, Clock clock) {
        Path dir = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE,
                    "Ledger directory " + dir + " cannot be created: " + e.getMessage(), e);
        }
        FileChannel lockChannel = null;
        try {
            lockChannel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = acquire(lockChannel, dir);
            writeHolder(lockChannel);
            Path journalFile = dir.resolve(JOURNAL);
            FileChannel journal = FileChannel.open(journalFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            List<LedgerEvent> events = new ArrayList<>();
            Optional<String> recovery = load(journal, journalFile, dir, events);
            journal.position(journal.size());
            recovery.ifPresent(r -> LOG.warn("{}", r));
            return new Ledger(dir, clock, lockChannel, lock, journal, events, recovery);
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, "Ledger in " + dir + " cannot be opened: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
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
                    + "; wait for it to finish, two runs on one ledger could send a mail twice");
        }
        return lock;
    }

    private static void writeHolder(FileChannel channel) throws IOException {
        String holder = "pid " + ProcessHandle.current().pid() + " since " + Instant.now();
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
    }

    private static Optional<String> load(FileChannel journal, Path file, Path dir, List<LedgerEvent> events) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int start = 0;
        int lineNumber = 0;
        while (start < bytes.length) {
            lineNumber++;
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            boolean terminated = end < bytes.length;
            String line = new String(bytes, start, end - start, StandardCharsets.UTF_8);
            Optional<LedgerEvent> event = line.isBlank() ? Optional.empty() : parse(line);
            if (!terminated) {
                if (event.isPresent()) {
                    // Whole but for its newline: the event was written, only the terminator was lost.
                    events.add(event.get());
                    journal.write(ByteBuffer.wrap(new byte[] {'\n'}), bytes.length);
                    journal.force(true);
                    return Optional.empty();
                }
                // The append that wrote this line never completed.
                return Optional.of(setAside(journal, dir, bytes, start, lineNumber, file));
            }
            if (event.isEmpty() && !line.isBlank()) {
                throw new BmaException(BmaErrorCode.LEDGER_CORRUPT, "Ledger " + file + " line " + lineNumber
                        + " is not a valid event; the ledger was changed by hand or damaged. Restore it from a backup"
                        + " or repair that line; the toolkit will not guess what it said");
            }
            event.ifPresent(events::add);
            start = end + 1;
        }
        return Optional.empty();
    }

    private static String setAside(FileChannel journal, Path dir, byte[] bytes, int start, int lineNumber, Path file)
            throws IOException {
        Files.write(dir.resolve(TORN), java.util.Arrays.copyOfRange(bytes, start, bytes.length),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Files.write(dir.resolve(TORN), new byte[] {'\n'}, StandardOpenOption.APPEND);
        journal.truncate(start);
        journal.force(true);
        return "Ledger " + file + ": the last line (" + lineNumber + ") was torn by an interrupted run and was moved to "
                + dir.resolve(TORN) + "; the event it held was not confirmed and will be redone or checked";
    }

    private static Optional<LedgerEvent> parse(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            if (node == null || !node.isObject() || !node.hasNonNull("type") || !node.hasNonNull("at")
                    || !node.hasNonNull("seq")) {
                return Optional.empty();
            }
            SortedMap<String, String> data = new TreeMap<>();
            JsonNode d = node.get("data");
            if (d != null && d.isObject()) {
                Iterator<String> names = d.fieldNames();
                while (names.hasNext()) {
                    String name = names.next();
                    data.put(name, d.get(name).asText());
                }
            }
            Optional<BmaAddress> mailbox = node.hasNonNull("mailbox")
                    ? Optional.of(BmaAddress.parse(node.get("mailbox").asText()))
                    : Optional.empty();
            return Optional.of(new LedgerEvent(node.get("seq").asLong(), Instant.parse(node.get("at").asText()),
                    node.get("type").asText(), mailbox, data));
        } catch (JsonProcessingException | DateTimeParseException | BmaException e) {
            return Optional.empty();
        }
    }

    /**
     * Records an event and forces it to disk before returning.
     *
     * @throws IllegalArgumentException if a data key names a secret
     */
    public synchronized LedgerEvent append(LedgerEntry entry) {
        ensureOpen();
        for (String key : entry.data().keySet()) {
            String k = key.toLowerCase(Locale.ROOT);
            if (SECRET_WORDS.stream().anyMatch(k::contains)) {
                throw new IllegalArgumentException("The ledger never stores secrets; refused key '" + key + "'");
            }
        }
        LedgerEvent event = new LedgerEvent(events.size() + 1L, clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                entry.type(), entry.mailbox(), entry.data());
        byte[] line = (toJson(event) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                journal.write(buffer);
            }
            journal.force(false);
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE,
                    "Ledger " + directory.resolve(JOURNAL) + " cannot be written: " + e.getMessage(), e);
        }
        events.add(event);
        return event;
    }

    private static String toJson(LedgerEvent event) {
        ObjectNode node = JSON.createObjectNode();
        node.put("seq", event.sequence());
        node.put("at", event.at().toString());
        node.put("type", event.type());
        event.mailbox().ifPresent(m -> node.put("mailbox", m.toString()));
        ObjectNode data = node.putObject("data");
        event.data().forEach(data::put);
        return node.toString();
    }

    /** Every event, oldest first. */
    public synchronized List<LedgerEvent> events() {
        return List.copyOf(events);
    }

    /** The events that match, oldest first. */
    public synchronized List<LedgerEvent> events(Predicate<LedgerEvent> filter) {
        return events.stream().filter(filter).toList();
    }

    /** What happened to one mailbox, oldest first. */
    public List<LedgerEvent> history(BmaAddress mailbox) {
        return events(e -> e.concerns(mailbox));
    }

    /** The most recent event of {@code type} for {@code mailbox}. */
    public synchronized Optional<LedgerEvent> latest(BmaAddress mailbox, String type) {
        for (int i = events.size() - 1; i >= 0; i--) {
            LedgerEvent e = events.get(i);
            if (e.type().equals(type) && e.concerns(mailbox)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** What opening had to repair (a torn last line), if anything; for reports. */
    public Optional<String> recovery() {
        return recovery;
    }

    public Path directory() {
        return directory;
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
        closeQuietly(journal);
        try {
            lock.release();
        } catch (IOException e) {
            LOG.debug("Releasing the ledger lock failed", e);
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
    public String toString() {
        return "Ledger[" + directory + ", " + Collections.unmodifiableList(events).size() + " events]";
    }
}
