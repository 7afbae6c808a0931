package be.cfwb.bma.ledger.pg;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.StatusResult;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.LeaseSettings;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerCopy;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.ledger.LedgerLocation;
import be.cfwb.bma.ledger.MailboxLeases;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The PostgreSQL ledger against a real PostgreSQL ({@link PostgresServer}): the same events and
 * answers as the JSON Lines one, a mail recorded once whoever records it, readers on a snapshot
 * that no writer blocks, leases that split mailboxes and pass a dead runner's on after expiry,
 * and copies between the two backends.
 */
@Tag("postgres")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresLedgerTest {

    private static final BmaAddress EC = BmaAddress.of(BmaKind.EC, 1394);
    private static final BmaAddress PO = BmaAddress.of(BmaKind.PO, 478);
    private static final LeaseSettings LEASES = new LeaseSettings(Duration.ofMinutes(2), Duration.ofSeconds(20),
            Duration.ofSeconds(10), Clock.systemUTC());

    private PostgresServer server;
    @TempDir
    Path temp;

    @BeforeAll
    void start() {
        server = PostgresServer.shared();
    }

    /** A clock tests move by hand. */
    static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        synchronized void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public synchronized Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private static List<LedgerEntry> campaign() {
        return List.of(
                LedgerEntry.of(new Event.PlanPublished(2, 0, "abc")),
                LedgerEntry.of(new Event.MailSending(1, 1, "<m1@x>")).mailbox(EC),
                LedgerEntry.of(new Event.MailSent(1, 1, "<m1@x>", "DGENORS", Optional.of("2024-11-20"), Optional.empty(),
                        "v1", false, false)).mailbox(EC),
                LedgerEntry.of(new Event.MailboxProvisioned()).mailbox(EC),
                LedgerEntry.of(new Event.FolderSynced("INBOX", 7, 10, "prestage")).mailbox(EC),
                LedgerEntry.of(new Event.FolderSynced("INBOX", 7, 12, "prestage")).mailbox(EC),
                LedgerEntry.of(new Event.PassDone("prestage", true, OptionalLong.of(12), 12, 1000, 0, 0, 0, 0, 0, 0,
                        Optional.of(""), Optional.empty())).mailbox(EC),
                LedgerEntry.of("custom.thing").with("k", "v").mailbox(PO));
    }

    @Test
    void answersAsTheJsonLinesLedgerDoes() {
        Clock clock = Clock.fixed(Instant.parse("2024-11-04T07:00:00Z"), ZoneOffset.UTC);
        LedgerLocation.Database db = server.newDatabase(temp.resolve("files"));
        try (Ledger pg = db.open(clock); Ledger file = Ledger.open(temp.resolve("jsonl"), clock)) {
            for (LedgerEntry e : campaign()) {
                pg.append(e);
                file.append(e);
            }
            assertThat(pg.size()).isEqualTo(file.size()).isEqualTo(8);
            assertThat(pg.mailboxes()).isEqualTo(file.mailboxes());
            for (BmaAddress m : List.of(EC, PO)) {
                assertThat(pg.history(m)).isEqualTo(file.history(m));
                assertThat(pg.historyView(m)).isEqualTo(file.historyView(m));
                assertThat(pg.lastOfEachKind(m)).isEqualTo(file.lastOfEachKind(m));
            }
            assertThat(pg.lastOfEachKind()).isEqualTo(file.lastOfEachKind());
            assertThat(pg.latest(EC, Event.FolderSynced.TYPE).map(LedgerEvent::event))
                    .contains(new Event.FolderSynced("INBOX", 7, 12, "prestage"));
            assertThat(pg.events()).isEqualTo(file.events());
            assertThat(pg.leases()).isPresent();
            assertThat(file.leases()).isEmpty();
            assertThatThrownBy(() -> pg.append(LedgerEntry.of("x").with("password", "p")))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        try (Ledger again = db.openReadOnly(clock)) {
            assertThat(again.size()).as("kept after closing").isEqualTo(8);
            assertThat(again.lastOfEachKind(EC)).hasSize(5);
        }
    }

    @Test
    void aMailIsHandedOverAndRecordedSentOnceWhoeverRecordsIt() {
        Clock clock = Clock.systemUTC();
        LedgerLocation.Database db = server.newDatabase(temp.resolve("files"));
        try (Ledger a = db.open(clock); Ledger b = db.open(clock)) {
            a.append(LedgerEntry.of(new Event.MailSending(2, 1, "<m2@x>")).mailbox(EC));
            assertThatThrownBy(() -> b.append(LedgerEntry.of(new Event.MailSending(2, 1, "<m2@x>")).mailbox(EC)))
                    .isInstanceOfSatisfying(BmaException.class, e -> {
                        assertThat(e.code()).isEqualTo(BmaErrorCode.LEDGER_CONFLICT);
                        assertThat(e.getMessage()).contains("mail.sending of mail 2 for " + EC);
                    });
            a.append(LedgerEntry.of(new Event.MailSent(2, 1, "<m2@x>", "s", Optional.empty(), Optional.empty(), "v1",
                    false, false)).mailbox(EC));
            assertThatThrownBy(() -> b.append(LedgerEntry.of(new Event.MailSent(2, 2, "<m2b@x>", "s", Optional.empty(),
                    Optional.empty(), "v1", false, false)).mailbox(EC)))
                    .isInstanceOfSatisfying(BmaException.class, e -> assertThat(e.code()).isEqualTo(BmaErrorCode.LEDGER_CONFLICT));
            // A conflict is not a failure of the ledger: b goes on recording.
            b.append(LedgerEntry.of(new Event.MailSending(2, 2, "<m2c@x>")).mailbox(EC));
            b.append(LedgerEntry.of(new Event.MailSent(1, 1, "<m1@x>", "s", Optional.empty(), Optional.empty(), "v1",
                    false, false)).mailbox(PO));
            assertThat(a.history(EC)).extracting(LedgerEvent::type).containsExactly("mail.sending", "mail.sent", "mail.sending");
        }
    }

    @Test
    void readersSeeASnapshotAndNeitherSideWaits() throws Exception {
        Clock clock = Clock.systemUTC();
        LedgerLocation.Database db = server.newDatabase(temp.resolve("files"));
        try (Ledger writer = db.open(clock)) {
            writer.append(LedgerEntry.of(new Event.MailboxProvisioned()).mailbox(EC));
            try (Ledger reader = db.openReadOnly(clock)) {
                assertThat(reader.isReadOnly()).isTrue();
                assertThat(reader.lastOfEachKind(EC)).hasSize(1);
                // The writer goes on while the reader's snapshot is open, without waiting for it...
                CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 50; i++) {
                        writer.append(LedgerEntry.of(new Event.FolderSynced("INBOX", 1, i, "prestage")).mailbox(EC));
                    }
                });
                writes.get(30, TimeUnit.SECONDS);
                // ...and the reader answers, from the snapshot it opened.
                assertThat(reader.size()).isEqualTo(1);
                assertThat(reader.history(EC)).hasSize(1);
                assertThat(reader.events()).hasSize(1);
                assertThatThrownBy(() -> reader.append(LedgerEntry.of("x"))).isInstanceOf(IllegalStateException.class);
            }
            try (Ledger later = db.openReadOnly(clock)) {
                assertThat(later.size()).isEqualTo(51);
            }
        }
    }

    @Test
    void statusAndReportAnswerFromTheCommittedStateWhileAWriterHoldsRowsInAnOpenTransaction() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2024-11-04T07:00:00Z"), ZoneOffset.UTC);
        LedgerLocation.Database db = server.newDatabase(temp.resolve("files"));
        try (Ledger writer = db.open(clock)) {
            writer.append(LedgerEntry.of(new Event.MailboxProvisioned()).mailbox(EC));
        }
        Bma bma = Bma.configure().inventory(Inventory.of(List.of(Mailbox.of(EC, "École"), Mailbox.of(PO, "PO"))))
                .ledger(db).outputDirectory(temp.resolve("out")).clock(clock).load();
        // A writer in the middle of its transaction: a new event and the index row it moves, locked, not committed.
        try (Connection c = DriverManager.getConnection(db.url(), PostgresServer.USER, server.login().password().reveal())) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO bma_event (at, type, mailbox, data) VALUES (now(), 'mail.sent', '" + EC
                        + "', '{\"mail\":\"1\"}')");
                s.execute("SELECT * FROM bma_last FOR UPDATE");
                s.execute("LOCK TABLE bma_lease IN EXCLUSIVE MODE");
            }
            StatusResult status = CompletableFuture.supplyAsync(() -> bma.status(MailboxSelection.all()))
                    .get(30, TimeUnit.SECONDS);
            assertThat(status.mailboxes()).filteredOn(m -> m.mailbox().address().equals(EC))
                    .singleElement().satisfies(m -> assertThat(m.step()).isEqualTo(MailboxStep.PROVISIONED));
            Path report = CompletableFuture.supplyAsync(() -> bma.report(MailboxSelection.all())).get(30, TimeUnit.SECONDS);
            assertThat(report).exists();
            c.rollback();
        }
    }

    @Test
    void aFailedAppendStopsTheLedgerRecordsNothingOfTheEventAndTheLedgerReopensClean() throws Exception {
        Clock clock = Clock.systemUTC();
        LedgerLocation.Database db = server.newDatabase(temp.resolve("files"));
        try (Ledger writer = db.open(clock)) {
            writer.append(LedgerEntry.of(new Event.MailboxProvisioned()).mailbox(EC));
            // The database drops the writer's connection, as a full disk or a failover would end it.
            try (Connection admin = DriverManager.getConnection(db.url(), PostgresServer.USER,
                    server.login().password().reveal()); Statement s = admin.createStatement()) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND pid <> pg_backend_pid()");
            }
            LedgerEntry next = LedgerEntry.of(new Event.FolderSynced("INBOX", 7, 10, "prestage")).mailbox(EC);
            assertThatThrownBy(() -> writer.append(next)).isInstanceOfSatisfying(BmaException.class, e -> {
                assertThat(e.code()).isEqualTo(BmaErrorCode.LEDGER_UNAVAILABLE);
                assertThat(e.getMessage()).contains("could not record transfer.folder.synced for " + EC)
                        .contains("nothing of it is kept").doesNotContain(server.login().password().reveal());
            });
            assertThatThrownBy(() -> writer.append(LedgerEntry.of(new Event.MailboxProvisioned()).mailbox(PO)))
                    .as("the run stops: no later append").isInstanceOfSatisfying(BmaException.class,
                            e -> assertThat(e.code()).isEqualTo(BmaErrorCode.LEDGER_UNAVAILABLE));
        }
        try (Ledger again = db.open(clock)) {
            assertThat(again.events()).extracting(LedgerEvent::type).containsExactly(Event.MailboxProvisioned.TYPE);
            assertThat(again.lastOfEachKind(EC)).hasSize(1);
            LedgerEvent appended = again.append(LedgerEntry.of(new Event.FolderSynced("INBOX", 7, 10, "prestage")).mailbox(EC));
            assertThat(again.lastOfEachKind(EC)).hasSize(2).last().isEqualTo(appended);
        }
    }

    @Test
    void leasesSplitMailboxesAndPassADeadRunnersOnAfterExpiry() {
        MovableClock clock = new MovableClock(Instant.parse("2024-11-20T06:00:00Z"));
        LedgerLocation.Database db = server.newDatabase(temp.resolve("files"), LEASES.withClock(clock));
        List<BmaAddress> day = IntStream.rangeClosed(1, 5).mapToObj(i -> BmaAddress.of(BmaKind.EC, 1000 + i)).toList();
        try (Ledger one = db.open(clock); Ledger two = db.open(clock)) {
            MailboxLeases a = one.leases().orElseThrow();
            MailboxLeases b = two.leases().orElseThrow();
            assertThat(a.holder()).isNotEqualTo(b.holder());
            BmaAddress first = a.claimNext("2024-11-20", day).orElseThrow();
            BmaAddress second = b.claimNext("2024-11-20", day).orElseThrow();
            assertThat(second).as("a held mailbox is skipped").isNotEqualTo(first);
            a.finish("2024-11-20", first);
            // b "dies" holding its mailbox: within the lease nobody else takes it.
            List<BmaAddress> claimed = new ArrayList<>();
            for (Optional<BmaAddress> next = a.claimNext("2024-11-20", day); next.isPresent();
                 next = a.claimNext("2024-11-20", day)) {
                claimed.add(next.get());
            }
            assertThat(claimed).doesNotContain(first, second).hasSize(3);
            clock.advance(Duration.ofMinutes(1));
            assertThat(a.heartbeat()).as("a's own leases renewed").isEmpty();
            clock.advance(Duration.ofSeconds(61));
            assertThat(a.claimNext("2024-11-20", day)).as("b's lease expired, a's renewed ones did not").contains(second);
            assertThat(b.heartbeat()).as("b learns it lost its mailbox").containsExactly(second);
            assertThat(a.unfinished("2024-11-20", day)).isEqualTo(4);
            claimed.forEach(m -> a.finish("2024-11-20", m));
            a.finish("2024-11-20", second);
            assertThat(a.unfinished("2024-11-20", day)).isZero();
            assertThat(b.claimNext("2024-11-20", day)).as("finished mailboxes are not claimed again").isEmpty();
            assertThat(b.claimNext("2024-11-21", day)).as("another day is another scope").isPresent();
        }
    }

    @Test
    void workAllWaitsForADeadRunnersMailboxesAndTakesThemOver() {
        MovableClock clock = new MovableClock(Instant.parse("2024-11-20T06:00:00Z"));
        LedgerLocation.Database db = server.newDatabase(temp.resolve("files"), LEASES.withClock(clock));
        List<BmaAddress> day = IntStream.rangeClosed(1, 4).mapToObj(i -> BmaAddress.of(BmaKind.EC, 2000 + i)).toList();
        try (Ledger dead = db.open(clock); Ledger alive = db.open(clock)) {
            BmaAddress lost = dead.leases().orElseThrow().claimNext("d", day).orElseThrow();
            List<Duration> waits = new ArrayList<>();
            List<List<BmaAddress>> batches = new ArrayList<>();
            List<BmaAddress> worked = alive.leases().orElseThrow().workAll("d", day, 2, d -> {
                waits.add(d);
                clock.advance(d);
            }, batches::add);
            assertThat(worked).containsExactlyInAnyOrderElementsOf(day);
            assertThat(batches).extracting(List::size).containsExactly(2, 1, 1);
            assertThat(worked.get(worked.size() - 1)).isEqualTo(lost);
            assertThat(waits).as("polled until the 2-minute lease expired").hasSize(12).containsOnly(Duration.ofSeconds(10));
        }
    }

    @Test
    void copiesBetweenJsonLinesAndPostgresKeepEveryEvent() {
        Clock clock = Clock.fixed(Instant.parse("2024-11-04T07:00:00Z"), ZoneOffset.UTC);
        Path jsonl = temp.resolve("original");
        try (Ledger file = Ledger.open(jsonl, clock)) {
            campaign().forEach(file::append);
        }
        LedgerLocation.Database db = server.newDatabase(temp.resolve("files"));
        assertThat(LedgerCopy.copy(new LedgerLocation.Directory(jsonl), db, clock)).isEqualTo(8);
        Path back = temp.resolve("exported");
        assertThat(LedgerCopy.copy(db, new LedgerLocation.Directory(back), clock)).isEqualTo(8);
        try (Ledger original = Ledger.openReadOnly(jsonl, clock); Ledger pg = db.openReadOnly(clock);
             Ledger exported = Ledger.openReadOnly(back, clock)) {
            assertThat(pg.events()).isEqualTo(original.events());
            assertThat(exported.events()).isEqualTo(original.events());
            assertThat(pg.lastOfEachKind(EC)).isEqualTo(original.lastOfEachKind(EC));
        }
        assertThatThrownBy(() -> LedgerCopy.copy(new LedgerLocation.Directory(jsonl), db, clock))
                .isInstanceOfSatisfying(BmaException.class, e -> {
                    assertThat(e.code()).isEqualTo(BmaErrorCode.INVALID_CONFIGURATION);
                    assertThat(e.getMessage()).contains("already holds 8 events");
                });
        assertThatThrownBy(() -> LedgerCopy.copy(db, new LedgerLocation.Directory(jsonl), clock))
                .hasMessageContaining("already holds");
    }

    @Test
    void aWrongPasswordIsRefusedWithoutShowingIt() {
        LedgerLocation.Database good = server.newDatabase(temp.resolve("files"));
        LedgerLocation.Database bad = good.withLogin(new be.cfwb.bma.credentials.Login(PostgresServer.USER,
                be.cfwb.bma.credentials.Secret.of("not-the-password-42")));
        assertThatThrownBy(() -> bad.open(Clock.systemUTC()))
                .isInstanceOfSatisfying(BmaException.class, e -> {
                    assertThat(e.code()).isEqualTo(BmaErrorCode.LEDGER_UNAVAILABLE);
                    assertThat(e.getMessage()).contains(good.displayUrl()).doesNotContain("not-the-password-42");
                });
    }
}
