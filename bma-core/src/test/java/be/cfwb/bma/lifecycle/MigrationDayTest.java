package be.cfwb.bma.lifecycle;

import be.cfwb.bma.Bma;
import be.cfwb.bma.EventTypes;
import be.cfwb.bma.MailboxStatus;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.calendar.PlanningSettings;
import be.cfwb.bma.calendar.PrestageSettings;
import be.cfwb.bma.credentials.CredentialIssuer;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.cutover.CutoverHook;
import be.cfwb.bma.notify.NotificationLinks;
import be.cfwb.bma.notify.NotificationSettings;
import be.cfwb.bma.notify.SmtpNotifier;
import be.cfwb.bma.notify.SmtpSettings;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.SampleMailboxes;
import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.TransferSettings;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole migrations driven day by day through {@code Bma.run}: GreenMail as the old server
 * (IMAP, and SMTP delivering the four mails into the old mailboxes) and as the target.
 */
class MigrationDayTest {

    private static final List<BmaAddress> MAILBOXES = List.of(BmaAddress.parse("ec001394@adm.cfwb.be"),
            BmaAddress.parse("ec000006@adm.cfwb.be"), BmaAddress.parse("po000478@adm.cfwb.be"));

    /** Messages per old mailbox: few, because each costs GreenMail round trips. */
    private static final int SAMPLE = 6;

    @TempDir
    Path dir;
    private GreenMail oldServer;
    private GreenMailFixture oldImap;
    private GreenMailFixture newServer;
    private final Map<BmaAddress, String> issuedPasswords = new ConcurrentHashMap<>();

    @BeforeEach
    void servers() {
        oldServer = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)});
        oldServer.start();
        oldImap = GreenMailFixture.over(oldServer);
        newServer = GreenMailFixture.start();
        for (BmaAddress a : MAILBOXES) {
            oldServer.setUser(a.toString(), a.toString(), password(a));
            newServer.createUser(a, password(a));
            try (var seeder = be.cfwb.bma.testing.MailboxSeeder.connect(oldImap.imapEndpoint(), a.toString(), password(a))) {
                SampleMailboxes.seed(seeder, a, SAMPLE);
            }
        }
    }

    @AfterEach
    void stop() {
        oldImap.close();
        newServer.close();
    }

    @Test
    void everyMailboxGoesThroughEveryStepIsVerifiedAndARerunDoesNothingMore() {
        Bma bma = bma();
        List<LocalDate> days = days(bma);

        RunResult last = null;
        for (LocalDate day : days) {
            last = bma.run(day, MailboxSelection.all(), Optional.of(hook()), RunListener.NONE);
        }

        assertThat(last.isSuccess()).as("last run: %s", last.stages()).isTrue();
        assertThat(last.verified()).isEqualTo(MAILBOXES.size());
        List<MailboxStatus> status = bma.status(MailboxSelection.all()).mailboxes();
        assertThat(status).allSatisfy(s -> assertThat(s.step()).isEqualTo(MailboxStep.VERIFIED));
        for (BmaAddress a : MAILBOXES) {
            List<String> steps = bma.status(MailboxSelection.of(List.of(a))).mailboxes().get(0).history().stream()
                    .map(e -> e.type() + e.get("mail").map(n -> n).orElse("") + e.get("pass").orElse(""))
                    .filter(t -> !t.startsWith("mail.sending") && !t.startsWith("credential") && !t.startsWith("transfer.folder")
                            && !t.startsWith(EventTypes.MAIL_DELIVERED))
                    .toList();
            // Each of the four mails was found in the old mailbox, where the school reads it.
            assertThat(bma.status(MailboxSelection.of(List.of(a))).mailboxes().get(0).history().stream()
                    .filter(e -> e.type().equals(EventTypes.MAIL_DELIVERED)).map(e -> e.get("mail").orElseThrow()))
                    .as(a.toString()).containsExactly("1", "2", "3", "4");
            assertThat(steps).as(a.toString()).containsExactly("mail.sent1", EventTypes.MAILBOX_SURVEYED, EventTypes.MAILBOX_PROVISIONED, "mail.sent2",
                    "mail.sent3", "transfer.pass.doneprestage", "mail.sent4", EventTypes.CUTOVER_RECORDED,
                    "transfer.pass.donefinal", EventTypes.VERIFY_PASSED);
            assertThat(issuedPasswords).containsKey(a);
            try (MailboxInspector target = MailboxInspector.connect(newServer.imapEndpoint(), a.toString(), password(a))) {
                // The sample messages plus the four notifications, mail 4 only through the final delta.
                long total = target.folders().stream().mapToLong(f -> target.messages(f).size()).sum();
                assertThat(total).isEqualTo(SAMPLE + 4);
                assertThat(target.messages(FolderPath.inbox())).isNotEmpty();
            }
        }

        int sentBefore = oldServer.getReceivedMessages().length;
        int eventsBefore = bma.status(MailboxSelection.all()).mailboxes().stream().mapToInt(m -> m.history().size()).sum();
        for (LocalDate day : days) {
            RunResult again = bma.run(day, MailboxSelection.all(), Optional.of(hook()), RunListener.NONE);
            assertThat(again.stages()).filteredOn(s -> s.stage() != Stage.PLAN && s.stage() != Stage.REPORT)
                    .allSatisfy(s -> assertThat(s.mailboxes()).as(s.stage().label()).isEmpty());
        }
        assertThat(oldServer.getReceivedMessages()).hasSize(sentBefore);
        assertThat(bma.status(MailboxSelection.all()).mailboxes().stream().mapToInt(m -> m.history().size()).sum())
                .isEqualTo(eventsBefore);
    }

    @Test
    void withoutACutoverHookMailboxesWaitAfterMailFourUntilOpsRecordIt() {
        Bma bma = bma();
        List<LocalDate> days = days(bma);
        for (LocalDate day : days) {
            bma.run(day, MailboxSelection.all(), Optional.empty(), RunListener.NONE);
        }
        assertThat(bma.status(MailboxSelection.all()).mailboxes()).allSatisfy(s -> assertThat(s.step()).isEqualTo(MailboxStep.MAIL4_SENT));

        bma.cutover(MailboxSelection.all(), Optional.empty(), false);
        RunResult after = bma.run(days.get(days.size() - 1), MailboxSelection.all(), Optional.empty(), RunListener.NONE);

        assertThat(after.isSuccess()).as("%s", after.stages()).isTrue();
        assertThat(after.verified()).isEqualTo(MAILBOXES.size());
    }

    private List<LocalDate> days(Bma bma) {
        TreeSet<LocalDate> days = new TreeSet<>();
        for (PlannedMailbox p : bma.plan(MailboxSelection.all()).plan().mailboxes()) {
            days.add(p.mailDate(1));
            days.add(p.migrationDate());
        }
        return new ArrayList<>(days);
    }

    private Bma bma() {
        Clock clock = Clock.fixed(Instant.parse("2024-09-30T06:00:00Z"), ZoneId.of("Europe/Brussels"));
        Inventory inventory = Inventory.of(MAILBOXES.stream().map(a -> Mailbox.of(a, "École " + a.localPart())).toList());
        CredentialIssuer issuer = new CredentialIssuer() {
            @Override
            public void issue(BmaAddress mailbox, Secret password) {
                issuedPasswords.put(mailbox, password.reveal());
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
                .imapSource(oldImap.imapEndpoint(), passwords(), clock)
                .imapTarget(newServer.imapEndpoint(), passwords(), clock)
                .folderMapper(FolderMapper.exchange())
                .spoolDirectory(dir)
                .retries(2, Duration.ofMillis(10))
                .build();
        // Pre-staged on the day itself (bma.prestageDays=0): every step in the circular's order, one
        // day; PrestageDayTest covers the copy ahead of the day.
        PlanningSettings onTheDay = PlanningSettings.defaults2024().toBuilder()
                .prestage(PrestageSettings.defaults().withDays(0)).build();
        return Bma.configure().inventory(inventory).ledgerDirectory(dir.resolve("ledger")).outputDirectory(dir.resolve("out"))
                .clock(clock).allowFutureDate(true).planning(onTheDay).notifications(notifications).transfer(transfer).load();
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
}
