package be.cfwb.bma.lifecycle;

import be.cfwb.bma.Bma;
import be.cfwb.bma.EventTypes;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.MigrationPlan;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.credentials.CredentialIssuer;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.cutover.CutoverHook;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.notify.NotificationLinks;
import be.cfwb.bma.notify.NotificationSettings;
import be.cfwb.bma.notify.SmtpNotifier;
import be.cfwb.bma.notify.SmtpSettings;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.SampleMailboxes;
import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MessageFlags;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The heavy copy ahead of the day, through {@code Bma.run} day by day (GreenMail as the old
 * server, IMAP and SMTP, and as the target): on its pre-stage date a mailbox is copied and nothing
 * else happens to it; on its migration day only what arrived since is copied; progress is told
 * in bytes, while a mailbox copies too.
 */
class PrestageDayTest {

    private static final List<BmaAddress> MAILBOXES = List.of(BmaAddress.parse("ec001394@adm.cfwb.be"),
            BmaAddress.parse("ec000006@adm.cfwb.be"), BmaAddress.parse("po000478@adm.cfwb.be"));
    private static final int SAMPLE = 6;

    @TempDir
    Path dir;
    private GreenMail oldServer;
    private GreenMailFixture newServer;

    @BeforeEach
    void servers() {
        oldServer = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)});
        oldServer.start();
        newServer = GreenMailFixture.start();
        for (BmaAddress a : MAILBOXES) {
            oldServer.setUser(a.toString(), a.toString(), password(a));
            newServer.createUser(a, password(a));
            try (MailboxSeeder seeder = MailboxSeeder.connect(endpoint(oldServer), a.toString(), password(a))) {
                SampleMailboxes.seed(seeder, a, SAMPLE);
            }
        }
    }

    @AfterEach
    void stop() {
        oldServer.stop();
        newServer.close();
    }

    @Test
    void aPrestageDateCopiesTheBulkAloneAndTheMigrationDayOnlyTheDeltaWithProgressInBytes() {
        Bma bma = bma();
        MigrationPlan plan = bma.plan(MailboxSelection.all()).plan();
        assertThat(plan.mailboxes()).allSatisfy(p -> assertThat(p.prestageDate()).isBefore(p.migrationDate()));
        TreeSet<LocalDate> days = new TreeSet<>();
        for (PlannedMailbox p : plan.mailboxes()) {
            days.add(p.mailDate(1));
            days.add(p.prestageDate());
            days.add(p.migrationDate());
        }
        List<CopyProgress.Snapshot> snapshots = new CopyOnWriteArrayList<>();
        List<Stage> copyStages = new CopyOnWriteArrayList<>();
        AtomicLong nanos = new AtomicLong();
        // A second passes between two looks at the time; a snapshot after every byte.
        CopyProgress progress = new CopyProgress(new RunListener() {
            @Override
            public void copyStarted(Stage stage, Map<BmaAddress, Long> expectedBytes) {
                copyStages.add(stage);
            }

            @Override
            public void copyProgress(CopyProgress.Snapshot s) {
                snapshots.add(s);
            }
        }, () -> nanos.addAndGet(1_000_000_000L), 1, Duration.ofHours(1));

        Map<BmaAddress, Integer> atPrestage = new HashMap<>();
        boolean dryRunChecked = false;
        for (LocalDate day : days) {
            List<BmaAddress> aheadToday = plan.mailboxes().stream().filter(p -> p.prestageDate().equals(day))
                    .map(PlannedMailbox::address).toList();
            if (!aheadToday.isEmpty() && !dryRunChecked) {
                RunResult dry = bma.run(day, MailboxSelection.all(), Optional.of(hook()), RunListener.NONE, true);
                assertThat(stage(dry, Stage.PRESTAGE_AHEAD).mailboxes()).containsAll(aheadToday);
                // The dry run copied and recorded nothing.
                aheadToday.forEach(a -> assertThat(onTarget(a)).as(a.toString()).isZero());
                aheadToday.forEach(a -> assertThat(types(bma, a)).doesNotContain(EventTypes.TRANSFER_PASS_DONE));
                dryRunChecked = true;
            }

            RunResult r = bma.run(day, MailboxSelection.all(), Optional.of(hook()), progress);

            assertThat(r.stages()).allSatisfy(s -> assertThat(s.success()).as("%s on %s", s, day).isTrue());
            for (BmaAddress a : aheadToday) {
                assertThat(stage(r, Stage.PRESTAGE_AHEAD).mailboxes()).contains(a);
                List<String> steps = types(bma, a);
                assertThat(steps).as(a.toString()).contains(EventTypes.TRANSFER_PASS_DONE)
                        .doesNotContain(EventTypes.CUTOVER_RECORDED);
                assertThat(mailsSent(bma, a)).as(a.toString()).doesNotContain("2", "3", "4");
                // The day's own mails (mail 1 may leave that day) went before: the copy runs last.
                atPrestage.put(a, onOldServer(a));
                assertThat(onTarget(a)).as(a.toString()).isEqualTo(atPrestage.get(a));
                // Mail arriving between the pre-stage and the migration day: the delta.
                try (MailboxSeeder seeder = MailboxSeeder.connect(endpoint(oldServer), a.toString(), password(a))) {
                    seeder.append(FolderPath.inbox(), ("Subject: arrived after the pre-stage\r\nMessage-ID: <late-"
                            + a.localPart() + "@test>\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII),
                            MessageFlags.NONE, Instant.parse("2024-10-20T10:00:00Z"));
                }
            }
            for (PlannedMailbox p : plan.migratingOn(day)) {
                BmaAddress a = p.address();
                assertThat(stage(r, Stage.PRESTAGE).mailboxes()).as(a.toString()).doesNotContain(a);
                assertThat(stage(r, Stage.FINAL_DELTA).mailboxes()).contains(a);
                int total = onOldServer(a);
                // Only what arrived since the pre-stage: mails 2, 3, 4 and the late message.
                assertThat(copied(bma, a, "final")).as(a.toString()).isEqualTo((long) total - atPrestage.get(a)).isEqualTo(4L);
                assertThat(copied(bma, a, "prestage")).as(a.toString()).isEqualTo((long) atPrestage.get(a));
                assertThat(onTarget(a)).isEqualTo(total);
            }
        }
        assertThat(dryRunChecked).isTrue();
        assertThat(bma.status(MailboxSelection.all()).mailboxes()).allSatisfy(s -> assertThat(s.step().label()).isEqualTo("verified"));

        assertThat(copyStages).contains(Stage.PRESTAGE_AHEAD, Stage.FINAL_DELTA).doesNotContain(Stage.PRESTAGE);
        List<CopyProgress.Snapshot> ahead = snapshots.stream()
                .filter(s -> s.stage().equals(Optional.of(Stage.PRESTAGE_AHEAD))).toList();
        // While a mailbox copies, not only when it finishes; in bytes, against what its survey found.
        assertThat(ahead).anySatisfy(s -> {
            assertThat(s.mailboxFinished()).isFalse();
            assertThat(s.mailboxCopiedBytes()).isPositive().isLessThan(s.mailboxExpectedBytes());
        });
        CopyProgress.Snapshot first = ahead.get(0);
        assertThat(first.expectedBytes()).isGreaterThan(first.copiedBytes());
        assertThat(first.eta()).isPresent();
        assertThat(first.line()).contains(" MB", "MB/s", "ETA ");
        assertThat(ahead).filteredOn(CopyProgress.Snapshot::mailboxFinished).allSatisfy(s ->
                assertThat(s.mailboxCopiedBytes()).isEqualTo(s.mailboxExpectedBytes()));
        CopyProgress.Snapshot last = ahead.get(ahead.size() - 1);
        assertThat(last.mailboxFinished()).isTrue();
        assertThat(last.percent()).isEqualTo(100);
        assertThat(last.eta()).contains(Duration.ZERO);
    }

    private static StageOutcome stage(RunResult r, Stage stage) {
        return r.stages().stream().filter(s -> s.stage() == stage).findFirst().orElseThrow();
    }

    private static List<String> types(Bma bma, BmaAddress a) {
        return history(bma, a).stream().map(LedgerEvent::type).toList();
    }

    private static List<String> mailsSent(Bma bma, BmaAddress a) {
        return history(bma, a).stream().filter(e -> e.type().equals(EventTypes.MAIL_SENT))
                .map(e -> e.get("mail").orElseThrow()).toList();
    }

    private static long copied(Bma bma, BmaAddress a, String pass) {
        return history(bma, a).stream().filter(e -> e.type().equals(EventTypes.TRANSFER_PASS_DONE)
                && e.get("pass").orElse("").equals(pass)).map(e -> Long.parseLong(e.get("copied").orElseThrow()))
                .reduce(0L, Long::sum);
    }

    private static List<LedgerEvent> history(Bma bma, BmaAddress a) {
        return new ArrayList<>(bma.status(MailboxSelection.of(List.of(a))).mailboxes().get(0).history());
    }

    private int onOldServer(BmaAddress a) {
        return count(endpoint(oldServer), a);
    }

    private int onTarget(BmaAddress a) {
        return count(newServer.imapEndpoint(), a);
    }

    private static int count(ImapEndpoint endpoint, BmaAddress a) {
        try (MailboxInspector inspector = MailboxInspector.connect(endpoint, a.toString(), password(a))) {
            return inspector.folders().stream().mapToInt(f -> inspector.messages(f).size()).sum();
        }
    }

    private Bma bma() {
        Clock clock = Clock.fixed(Instant.parse("2024-09-30T06:00:00Z"), ZoneId.of("Europe/Brussels"));
        Inventory inventory = Inventory.of(MAILBOXES.stream().map(a -> Mailbox.of(a, "École " + a.localPart())).toList());
        CredentialIssuer issuer = new CredentialIssuer() {
            @Override
            public void issue(BmaAddress mailbox, Secret password) {
            }

            @Override
            public String description() {
                return "in-memory issuer";
            }
        };
        NotificationSettings notifications = NotificationSettings.builder()
                .links(NotificationLinks.of("https://outlook.office.com/mail/", "https://enseignement.be/t1", "https://enseignement.be/t2"))
                .notifier(new SmtpNotifier(SmtpSettings.loopback(oldServer.getSmtp().getPort()), d -> { }))
                .sleeper(d -> { })
                .credentialIssuer(issuer)
                .build();
        TransferSettings transfer = TransferSettings.builder()
                .imapSource(endpoint(oldServer), passwords(), clock)
                .imapTarget(newServer.imapEndpoint(), passwords(), clock)
                .folderMapper(FolderMapper.exchange())
                .spoolDirectory(dir)
                .retries(2, Duration.ofMillis(10))
                .build();
        return Bma.configure().inventory(inventory).ledgerDirectory(dir.resolve("ledger")).outputDirectory(dir.resolve("out"))
                .clock(clock).allowFutureDate(true).notifications(notifications).transfer(transfer).load();
    }

    private CutoverHook hook() {
        return CutoverHook.parse("true", dir, Duration.ofSeconds(10));
    }

    private static be.cfwb.bma.credentials.CredentialSource passwords() {
        return mailbox -> new MailboxCredentials.Password(mailbox.toString(), Secret.of(password(mailbox)));
    }

    private static String password(BmaAddress a) {
        return "pw-" + a.localPart();
    }

    private static ImapEndpoint endpoint(GreenMail server) {
        return ImapEndpoint.parse("imap://127.0.0.1:" + server.getImap().getPort(), "GreenMail");
    }
}
