package be.cfwb.bma.ledger;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The toolkit's memory: an append-only record of what was done (typed {@link Event}s), and its
 * exactly-once guarantee. Two backends keep the same events with the same promises:
 * {@link JsonlLedger}, one JSON Lines file in a directory (the embedded default), and
 * {@link PostgresLedger}, a PostgreSQL database that N runners on N machines share
 * ({@link #leases()} splits a day's mailboxes between them). {@link LedgerLocation} names one
 * ({@code bma.ledger}: a directory or a {@code jdbc:postgresql:} URL) and opens it.
 *
 * <p>A writer ({@link #open}) records events, each durable before {@link #append} returns; a
 * reader ({@link #openReadOnly}) never waits for a writer and sees a consistent snapshot. The
 * ledger never stores a secret: an entry whose key names one (password, secret, token...) is refused.
 */
public abstract sealed class Ledger implements AutoCloseable permits JsonlLedger, PostgresLedger {

    public static final String JOURNAL = "ledger.jsonl";
    public static final String LOCK = "ledger.lock";
    public static final String TORN = "ledger.torn";

    /** Events not yet in the index snapshot ({@value IndexSnapshot#FILE}) after which closing writes a new one. */
    static final int SNAPSHOT_EVERY = 5_000;

    private static final Set<String> SECRET_WORDS = Set.of("password", "passwd", "secret", "token", "credential");

    /** Opens the journal file; tests inject a channel that fails as a full disk does. */
    @FunctionalInterface
    interface JournalChannels {
        FileChannel open(Path file, boolean writable) throws IOException;
    }

    static final JournalChannels FILES = (file, writable) -> writable
            ? FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)
            : FileChannel.open(file, StandardOpenOption.READ);

    Ledger() {
    }

    /** Opens (creating if needed) the JSON Lines ledger in {@code directory}, with the system clock. */
    public static Ledger open(Path directory) {
        return open(directory, Clock.systemUTC());
    }

    /**
     * Opens (creating if needed) the JSON Lines ledger in {@code directory} for writing.
     *
     * @throws BmaException {@link BmaErrorCode#LEDGER_UNAVAILABLE} if another process holds it or the
     *                      directory is unusable; {@link BmaErrorCode#LEDGER_CORRUPT} if a line
     *                      other than the last is not a valid event
     */
    public static Ledger open(Path directory, Clock clock) {
        return JsonlLedger.openWriter(directory, clock, FILES);
    }

    static Ledger open(Path directory, Clock clock, JournalChannels channels) {
        return JsonlLedger.openWriter(directory, clock, channels);
    }

    /**
     * Opens the JSON Lines ledger in {@code directory} to read only, without the writer's lock, so it
     * answers while another process writes: what it shows is the journal as it was at this call, up
     * to its last complete line. It repairs nothing and creates nothing; a missing ledger reads as empty.
     *
     * @throws BmaException {@link BmaErrorCode#LEDGER_UNAVAILABLE} if the journal cannot be read;
     *                      {@link BmaErrorCode#LEDGER_CORRUPT} if a complete line is not a valid event
     */
    public static Ledger openReadOnly(Path directory, Clock clock) {
        return JsonlLedger.openReader(directory, clock);
    }

    /** Opens the ledger at {@code location} for writing (see {@link LedgerLocation#open}). */
    public static Ledger open(LedgerLocation location, Clock clock) {
        return location.open(clock);
    }

    /** Opens the ledger at {@code location} to read a snapshot, never waiting for a writer. */
    public static Ledger openReadOnly(LedgerLocation location, Clock clock) {
        return location.openReadOnly(clock);
    }

    /** One event as a JSON line (without its newline): the JSON Lines form, also used by export. */
    static String toJson(LedgerEvent event) {
        return JsonlLedger.toJson(event);
    }

    /**
     * Records an event, durable before this returns. If it could not be recorded, nothing of it is
     * kept and this ledger refuses every later append: the run stops.
     *
     * @throws IllegalArgumentException if a data key names a secret
     * @throws BmaException             {@link BmaErrorCode#LEDGER_UNAVAILABLE} if the event could not be
     *                                  recorded; {@link BmaErrorCode#LEDGER_CONFLICT} if another runner
     *                                  already recorded the same mail (database ledger)
     */
    public abstract LedgerEvent append(LedgerEntry entry);

    /** Every event, oldest first (for small ledgers, export and tests). */
    public List<LedgerEvent> events() {
        return events(e -> true);
    }

    /** The events that match, oldest first. */
    public abstract List<LedgerEvent> events(Predicate<LedgerEvent> filter);

    /** How many events the ledger holds. */
    public abstract long size();

    /** What happened to one mailbox, oldest first. */
    public abstract List<LedgerEvent> history(BmaAddress mailbox);

    /** As {@link #history}, read only when first used (and still after this ledger is closed). */
    public abstract List<LedgerEvent> historyView(BmaAddress mailbox);

    /**
     * The last event of each kind for {@code mailbox}, oldest first: of each type, per mail for
     * mails, per pass and completeness for passes, per folder for synced folders. Enough to know a
     * mailbox's step and when it was reached, the mails sent, the last pass and each folder's
     * high-water mark, without reading its history.
     */
    public abstract List<LedgerEvent> lastOfEachKind(BmaAddress mailbox);

    /** The last run-wide event (no mailbox) of each kind, oldest first. */
    public abstract List<LedgerEvent> lastOfEachKind();

    /** The most recent event of {@code type} for {@code mailbox}. */
    public Optional<LedgerEvent> latest(BmaAddress mailbox, String type) {
        return lastOfEachKind(mailbox).stream().filter(e -> e.type().equals(type)).reduce((a, b) -> b);
    }

    /** The mailboxes the ledger holds events of. */
    public abstract Set<BmaAddress> mailboxes();

    /** What opening had to repair (a torn last line), if anything; for reports. */
    public abstract Optional<String> recovery();

    /**
     * The local directory of the files kept beside the ledger (the published plan's copy): the
     * ledger's own directory, or for a database ledger the one its location names.
     */
    public abstract Path directory();

    /** True if this instance cannot append ({@link #openReadOnly}). */
    public abstract boolean isReadOnly();

    /**
     * The per-mailbox leases through which several runners on one shared ledger split a day's
     * mailboxes; empty for a ledger that only one process writes at a time (JSON Lines).
     */
    public Optional<MailboxLeases> leases() {
        return Optional.empty();
    }

    @Override
    public abstract void close();

    /** Refuses an entry that would store a secret. */
    static void refuseSecrets(LedgerEntry entry) {
        for (String key : entry.data().keySet()) {
            String k = key.toLowerCase(Locale.ROOT);
            if (SECRET_WORDS.stream().anyMatch(k::contains)) {
                throw new IllegalArgumentException("The ledger never stores secrets; refused key '" + key + "'");
            }
        }
    }
}
