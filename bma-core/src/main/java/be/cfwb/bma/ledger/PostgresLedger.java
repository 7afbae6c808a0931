package be.cfwb.bma.ledger;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The ledger in PostgreSQL, shared by every runner and reader of a campaign: the same events as
 * the JSON Lines journal, one row each ({@code bma_event}), with the last event of each kind per
 * mailbox kept beside them ({@code bma_last}) in the same transaction. The schema is created and
 * migrated by Flyway when a writer opens it ({@code db/V*__*.sql} beside this class).
 *
 * <p>Several writers at once are the point: unique indexes make a mail's hand-over ({@code
 * mail.sending}, per attempt) and its {@code mail.sent} exist once whoever records them, and
 * {@link MailboxLeases} keeps two runners off one mailbox. A reader runs in one read-only
 * {@code REPEATABLE READ} transaction: a consistent snapshot that no writer blocks (MVCC).
 *
 * <p>Each append commits before it returns. One that fails for another reason than a duplicate
 * mail stops this ledger, as a full disk stops the JSON Lines one: nothing is half-recorded (the
 * event and its index row commit together or not at all).
 */
public final class PostgresLedger extends Ledger {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresLedger.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, String>> DATA = new TypeReference<>() {
    };
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String RUN_WIDE = "";
    /** The databases this process has brought up to date: each verb opens the ledger, Flyway need not look every time. */
    private static final Set<String> MIGRATED = ConcurrentHashMap.newKeySet();

    private final LedgerLocation.Database location;
    private final Clock clock;
    private final Connection connection;
    private final boolean readOnly;
    private final MailboxLeases leases;
    private Map<String, List<LedgerEvent>> lastCache;
    private BmaException failure;
    private boolean closed;

    private PostgresLedger(LedgerLocation.Database location, Clock clock, Connection connection, boolean readOnly) {
        this.location = location;
        this.clock = clock;
        this.connection = connection;
        this.readOnly = readOnly;
        this.leases = readOnly ? null : new MailboxLeases(this, location.leases(), holderName());
    }

    static PostgresLedger open(LedgerLocation.Database location, Clock clock, boolean readOnly) {
        Connection connection = null;
        try {
            if (!readOnly) {
                migrate(location);
            }
            connection = connect(location);
            if (readOnly) {
                connection.setAutoCommit(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                connection.setReadOnly(true);
            }
            return new PostgresLedger(location, clock, connection, readOnly);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw unavailable(location, "cannot be opened", e);
        }
    }

    /** Creates or brings the schema up to this version's; Flyway serialises concurrent runners with its own lock. */
    private static void migrate(LedgerLocation.Database location) {
        if (MIGRATED.contains(location.url())) {
            return;
        }
        try {
            Flyway.configure(PostgresLedger.class.getClassLoader())
                    .dataSource(location.url(), location.login().map(l -> l.user()).orElse(null),
                            location.login().map(l -> l.password().reveal()).orElse(null))
                    .locations("classpath:be/cfwb/bma/ledger/db")
                    .table("bma_schema_history")
                    .loggers("slf4j")
                    .load()
                    .migrate();
            MIGRATED.add(location.url());
        } catch (FlywayException e) {
            // Flyway's message may quote the URL; ours names only what is safe to show.
            throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, "Ledger database " + location.displayUrl()
                    + " could not be created or migrated: " + rootMessage(e), e);
        }
    }

    private static Connection connect(LedgerLocation.Database location) throws SQLException {
        Properties properties = new Properties();
        location.login().ifPresent(l -> {
            properties.setProperty("user", l.user());
            properties.setProperty("password", l.password().reveal());
        });
        properties.setProperty("ApplicationName", "bma");
        return DriverManager.getConnection(location.url(), properties);
    }

    private static String holderName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public synchronized LedgerEvent append(LedgerEntry entry) {
        ensureOpen();
        if (readOnly) {
            throw new IllegalStateException("Ledger " + location + " was opened read-only");
        }
        if (failure != null) {
            throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, failure.getMessage(), failure);
        }
        refuseSecrets(entry);
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try {
            return inTransaction(c -> {
                long seq;
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO bma_event (at, type, mailbox, data)"
                        + " VALUES (?, ?, ?, ?::jsonb) RETURNING seq")) {
                    insert.setTimestamp(1, Timestamp.from(at));
                    insert.setString(2, entry.type());
                    insert.setString(3, entry.mailbox().map(BmaAddress::toString).orElse(null));
                    insert.setString(4, json(entry.data()));
                    try (ResultSet r = insert.executeQuery()) {
                        r.next();
                        seq = r.getLong(1);
                    }
                }
                LedgerEvent event = new LedgerEvent(seq, at, entry.type(), entry.mailbox(), entry.data());
                try (PreparedStatement last = c.prepareStatement("INSERT INTO bma_last (mailbox, kind, seq) VALUES (?, ?, ?)"
                        + " ON CONFLICT (mailbox, kind) DO UPDATE SET seq = EXCLUDED.seq WHERE bma_last.seq < EXCLUDED.seq")) {
                    last.setString(1, entry.mailbox().map(BmaAddress::toString).orElse(RUN_WIDE));
                    last.setString(2, EventCodec.kind(event.event()));
                    last.setLong(3, seq);
                    last.executeUpdate();
                }
                return event;
            });
        } catch (BmaException e) {
            if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                String what = entry.type() + " of mail " + entry.data().getOrDefault("mail", "?")
                        + entry.mailbox().map(m -> " for " + m).orElse("");
                throw new BmaException(BmaErrorCode.LEDGER_CONFLICT, "Ledger " + location.displayUrl() + " already holds "
                        + what + " (recorded by another runner): it is not done twice", e.getCause());
            }
            failure = new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, "Ledger " + location.displayUrl()
                    + " could not record " + entry.type() + entry.mailbox().map(m -> " for " + m).orElse("") + " ("
                    + rootMessage(e.getCause()) + "): nothing of it is kept. The run stops here; when the database"
                    + " answers again, run again: what was not recorded is redone or checked", e.getCause());
            LOG.error("{}", failure.getMessage());
            throw failure;
        }
    }

    /** Inserts {@code events} as they are (time, type, mailbox, data) in one transaction: an import. */
    synchronized void insertAll(List<LedgerEvent> events) {
        inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO bma_event (at, type, mailbox, data)"
                    + " VALUES (?, ?, ?, ?::jsonb)")) {
                for (LedgerEvent e : events) {
                    insert.setTimestamp(1, Timestamp.from(e.at()));
                    insert.setString(2, e.type());
                    insert.setString(3, e.mailbox().map(BmaAddress::toString).orElse(null));
                    insert.setString(4, json(e.data()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            // The last of each kind, from the rows just written (kinds are the codec's, computed here).
            Map<List<String>, Long> last = new HashMap<>();
            try (PreparedStatement all = c.prepareStatement("SELECT seq, at, type, mailbox, data FROM bma_event ORDER BY seq");
                 ResultSet r = all.executeQuery()) {
                while (r.next()) {
                    LedgerEvent e = event(r);
                    last.put(List.of(e.mailbox().map(BmaAddress::toString).orElse(RUN_WIDE), EventCodec.kind(e.event())),
                            e.sequence());
                }
            }
            try (PreparedStatement index = c.prepareStatement("INSERT INTO bma_last (mailbox, kind, seq) VALUES (?, ?, ?)")) {
                for (Map.Entry<List<String>, Long> e : last.entrySet()) {
                    index.setString(1, e.getKey().get(0));
                    index.setString(2, e.getKey().get(1));
                    index.setLong(3, e.getValue());
                    index.addBatch();
                }
                index.executeBatch();
            }
            return null;
        });
    }

    @Override
    public synchronized List<LedgerEvent> events(Predicate<LedgerEvent> filter) {
        List<LedgerEvent> events = new ArrayList<>();
        query("SELECT seq, at, type, mailbox, data FROM bma_event ORDER BY seq", s -> {
        }, e -> {
            if (filter.test(e)) {
                events.add(e);
            }
        });
        return events;
    }

    @Override
    public synchronized long size() {
        long[] n = new long[1];
        inRead(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM bma_event"); ResultSet r = s.executeQuery()) {
                r.next();
                n[0] = r.getLong(1);
            }
            return null;
        });
        return n[0];
    }

    @Override
    public synchronized List<LedgerEvent> history(BmaAddress mailbox) {
        List<LedgerEvent> events = new ArrayList<>();
        query("SELECT seq, at, type, mailbox, data FROM bma_event WHERE mailbox = ? ORDER BY seq",
                s -> s.setString(1, mailbox.toString()), events::add);
        return events;
    }

    /** Read at once: a database row set is not a file that stays readable after closing. */
    @Override
    public List<LedgerEvent> historyView(BmaAddress mailbox) {
        return List.copyOf(history(mailbox));
    }

    @Override
    public synchronized List<LedgerEvent> lastOfEachKind(BmaAddress mailbox) {
        return lastOfEachKind(mailbox.toString());
    }

    @Override
    public synchronized List<LedgerEvent> lastOfEachKind() {
        return lastOfEachKind(RUN_WIDE);
    }

    private List<LedgerEvent> lastOfEachKind(String mailbox) {
        if (readOnly) {
            // One snapshot: read every mailbox's at once, as a status of thousands asks for all of them.
            if (lastCache == null) {
                Map<String, List<LedgerEvent>> all = new HashMap<>();
                query("SELECT e.seq, e.at, e.type, e.mailbox, e.data FROM bma_last l JOIN bma_event e ON e.seq = l.seq"
                        + " ORDER BY e.seq", s -> {
                        }, e -> all.computeIfAbsent(e.mailbox().map(BmaAddress::toString).orElse(RUN_WIDE),
                                k -> new ArrayList<>()).add(e));
                lastCache = all;
            }
            return List.copyOf(lastCache.getOrDefault(mailbox, List.of()));
        }
        List<LedgerEvent> events = new ArrayList<>();
        query("SELECT e.seq, e.at, e.type, e.mailbox, e.data FROM bma_last l JOIN bma_event e ON e.seq = l.seq"
                + " WHERE l.mailbox = ? ORDER BY e.seq", s -> s.setString(1, mailbox), events::add);
        return events;
    }

    @Override
    public synchronized Set<BmaAddress> mailboxes() {
        Set<BmaAddress> mailboxes = new HashSet<>();
        inRead(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT mailbox FROM bma_last WHERE mailbox <> ''");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    mailboxes.add(BmaAddress.parse(r.getString(1)));
                }
            }
            return null;
        });
        return mailboxes;
    }

    @Override
    public Optional<String> recovery() {
        return Optional.empty();
    }

    @Override
    public Path directory() {
        return location.files().toAbsolutePath().normalize();
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public Optional<MailboxLeases> leases() {
        return Optional.ofNullable(leases);
    }

    public LedgerLocation.Database location() {
        return location;
    }

    /** Runs {@code work} in one transaction of this ledger's connection, committed or rolled back whole. */
    synchronized <T> T inTransaction(MailboxLeases.Work<T> work) {
        ensureOpen();
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw unavailable(location, "failed", e);
        }
    }

    /** A read: in the reader's snapshot transaction, or on its own for a writer. */
    private <T> T inRead(MailboxLeases.Work<T> work) {
        ensureOpen();
        if (!readOnly) {
            return inTransaction(work);
        }
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw unavailable(location, "cannot be read", e);
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement s) throws SQLException;
    }

    private void query(String sql, Binder binder, Consumer<LedgerEvent> sink) {
        inRead(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setFetchSize(10_000);
                binder.bind(s);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        sink.accept(event(r));
                    }
                }
            }
            return null;
        });
    }

    private static LedgerEvent event(ResultSet r) throws SQLException {
        String mailbox = r.getString(4);
        SortedMap<String, String> data;
        try {
            data = JSON.readValue(r.getString(5), DATA);
        } catch (JsonProcessingException e) {
            throw new BmaException(BmaErrorCode.LEDGER_CORRUPT, "Ledger event " + r.getLong(1)
                    + " holds data that is not an object of texts; it was changed by hand", e);
        }
        return new LedgerEvent(r.getLong(1), r.getTimestamp(2).toInstant(), r.getString(3),
                mailbox == null ? Optional.empty() : Optional.of(BmaAddress.parse(mailbox)), data);
    }

    private static String json(SortedMap<String, String> data) {
        try {
            return JSON.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A map of texts is always JSON", e);
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("Rollback failed", e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Ledger " + location + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (readOnly) {
            rollbackQuietly();
        }
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("Closing failed", e);
            }
        }
    }

    private static BmaException unavailable(LedgerLocation.Database location, String what, SQLException e) {
        return new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, "Ledger database " + location.displayUrl() + " " + what
                + ": " + rootMessage(e) + " (SQL state " + e.getSQLState() + ")", e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public String toString() {
        return "Ledger[" + location + (readOnly ? ", read-only" : "") + "]";
    }
}
