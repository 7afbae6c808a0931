package be.cfwb.bma.faults;

import be.cfwb.bma.Bma;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.credentials.AccessToken;
import be.cfwb.bma.credentials.CredentialIssuer;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.credentials.TokenSupplier;
import be.cfwb.bma.lifecycle.RunListener;
import be.cfwb.bma.lifecycle.RunResult;
import be.cfwb.bma.lifecycle.Stage;
import be.cfwb.bma.lifecycle.StageOutcome;
import be.cfwb.bma.notify.NotificationLinks;
import be.cfwb.bma.notify.NotificationSettings;
import be.cfwb.bma.notify.SmtpNotifier;
import be.cfwb.bma.notify.SmtpSettings;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A wrong shared login over a whole {@code Bma.run} (plan, mail 1, survey, provisioning, mails 2
 * and 3, pre-stage, ...), the login attempts counted where the server and its lockout see them
 * ({@link LoginCountingProxy}): the stages share one set of login gates, so the admin account is
 * tried once in the run, not once per stage (survey and pre-stage both read the old mailboxes),
 * and the target's shared token once, not once per mailbox at provisioning; the run's result
 * says why, once, without the secret.
 */
@Timeout(120)
class WrongSharedLoginRunTest {

    private static final AtomicInteger NEXT = new AtomicInteger(9300);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-09-30T06:00:00Z"), ZoneId.of("Europe/Brussels"));

    @TempDir
    Path temp;
    private GreenMail smtp;

    @BeforeEach
    void smtpSink() {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    @AfterEach
    void stopSmtp() {
        smtp.stop();
    }

    private static String password(BmaAddress a) {
        return "pw-" + a.localPart();
    }

    private static List<BmaAddress> mailboxes(int n) {
        List<BmaAddress> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(BmaAddress.of(BmaKind.EC, NEXT.incrementAndGet()));
        }
        return out;
    }

    /** Each mailbox on both servers with the same password, one message in its old INBOX. */
    private static void createAndSeed(MailServerFixture old, MailServerFixture neu, List<BmaAddress> mailboxes) {
        for (BmaAddress a : mailboxes) {
            old.createUser(a, password(a));
            neu.createUser(a, password(a));
            try (MailboxSeeder s = old.seeder(a, password(a))) {
                s.append(FolderPath.inbox(), TestMessage.builder().subject("Pour " + a).build(), flags("\\Seen"),
                        Instant.parse("2024-09-01T08:00:00Z"));
            }
        }
    }

    private Bma bma(List<BmaAddress> mailboxes, TransferSettings transfer) {
        Inventory inventory = Inventory.of(mailboxes.stream().map(a -> Mailbox.of(a, "École " + a.localPart())).toList());
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
                .links(NotificationLinks.of("https://outlook.office.com/mail/", "https://enseignement.be/t1",
                        "https://enseignement.be/t2"))
                .notifier(new SmtpNotifier(SmtpSettings.loopback(smtp.getSmtp().getPort()), d -> { }))
                .sleeper(d -> { })
                .credentialIssuer(issuer)
                .build();
        return Bma.configure().inventory(inventory).ledgerDirectory(temp.resolve("ledger"))
                .outputDirectory(temp.resolve("out")).clock(CLOCK).allowFutureDate(true).notifications(notifications).transfer(transfer).load();
    }

    /** The whole run on the day every mailbox is due, folders mapped as on Exchange, one retry. */
    private RunResult runToTheLastDay(List<BmaAddress> mailboxes, TransferSettings.Builder transfer) {
        Bma bma = bma(mailboxes, transfer.folderMapper(FolderMapper.exchange())
                .spoolDirectory(temp)
                .retries(1, Duration.ofMillis(10))
                .build());
        return bma.run(lastMigrationDay(bma), MailboxSelection.all(), Optional.empty(), RunListener.NONE);
    }

    /** The day every mailbox is due: mail 1 (late), survey, provisioning, mails 2 and 3, pre-stage all run. */
    private static LocalDate lastMigrationDay(Bma bma) {
        return bma.plan(MailboxSelection.all()).plan().mailboxes().stream().map(PlannedMailbox::migrationDate)
                .max(LocalDate::compareTo).orElseThrow();
    }

    private static StageOutcome stage(RunResult result, Stage stage) {
        return result.stages().stream().filter(s -> s.stage() == stage).findFirst().orElseThrow();
    }

    @Test
    @RequiresDovecot
    void aWrongAdminPasswordIsTriedOnceInAWholeRun() throws Exception {
        List<BmaAddress> mailboxes = mailboxes(4);
        try (DovecotFixture old = DovecotFixture.start(HierarchyStyle.SLASH);
             GreenMailFixture neu = GreenMailFixture.start();
             LoginCountingProxy proxy = LoginCountingProxy.to(old.imapEndpoint().port())) {
            createAndSeed(old, neu, mailboxes);
            String targetPasswords = mailboxes.stream().map(a -> a + ";" + password(a) + "\n").collect(Collectors.joining());
            Path targetCredentials = Files.writeString(temp.resolve("target.csv"), targetPasswords, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(targetCredentials, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            String wrong = "not-" + old.server().masterPassword();
            String sourceUrl = "imap://127.0.0.1:" + proxy.port();
            TransferSettings.Builder transfer = FaultHarness.adminLoginSettings(sourceUrl, neu.imapEndpoint(), targetCredentials, 2,
                            new Login(old.server().masterUser(), Secret.of(wrong)), CLOCK);

            RunResult result = runToTheLastDay(mailboxes, transfer);

            // Survey and pre-stage both read the old mailboxes: the refusal at the survey holds for the pre-stage.
            assertThat(stage(result, Stage.SURVEY).mailboxes()).hasSize(4);
            assertThat(stage(result, Stage.PRESTAGE).mailboxes()).as("%s", result.stages()).hasSize(4);
            assertThat(proxy.attempts()).as("login attempts of the admin account in the whole run: %s", proxy.attempts())
                    .singleElement().satisfies(x -> {
                        assertThat(x.identity).isEqualTo(old.server().masterUser());
                        assertThat(x.accepted()).isFalse();
                    });
            assertThat(result.isSuccess()).isFalse();
            assertThat(result.refusedLogins()).as("said once").singleElement().asString()
                    .startsWith("The source server " + sourceUrl + " refused the admin login '" + old.server().masterUser()
                            + "' (settings.xml server bma-source)")
                    .contains("check the credentials")
                    .doesNotContain(wrong);
            assertThat(result.due()).allSatisfy(m -> assertThat(m.step()).isEqualTo(MailboxStep.MAIL3_SENT));
            assertThat(Files.readString(temp.resolve("out").resolve("migrate-report.json"), StandardCharsets.UTF_8))
                    .contains("Not attempted").doesNotContain(wrong);
        }
    }

    @Test
    void aWrongSharedTargetTokenIsTriedOnceInAWholeRun() throws Exception {
        List<BmaAddress> mailboxes = mailboxes(4);
        try (GreenMailFixture old = GreenMailFixture.start();
             GreenMailFixture neu = GreenMailFixture.start();
             LoginCountingProxy proxy = LoginCountingProxy.to(neu.imapPort())) {
            createAndSeed(old, neu, mailboxes);
            // GreenMail takes the user's password as the XOAUTH2 bearer token: this one is nobody's.
            String wrong = "tok-nobody-" + NEXT.get();
            AtomicInteger issued = new AtomicInteger();
            TokenSupplier tokens = () -> {
                issued.incrementAndGet();
                return new AccessToken(Secret.of(wrong), CLOCK.instant().plus(Duration.ofHours(1)));
            };
            String targetUrl = "imap://127.0.0.1:" + proxy.port();
            TransferSettings.Builder transfer = TransferSettings.builder()
                    .imapSource(old.imapEndpoint(), FaultHarness.passwords(), CLOCK)
                    .imapTarget(ImapEndpoint.parse(targetUrl, "login-counting proxy"), CredentialSource.oauth2(tokens), CLOCK)
                    .parallelism(2);

            RunResult result = runToTheLastDay(mailboxes, transfer);

            // The first target login of the run is the campaign check before mail 1 (a new ledger
            // looks for another campaign's copies on each target): refused once, for all four,
            // and no mail leaves for a mailbox whose target could not be looked at.
            assertThat(stage(result, Stage.MAIL1).mailboxes()).hasSize(4);
            assertThat(stage(result, Stage.MAIL1).success()).isFalse();
            assertThat(stage(result, Stage.PROVISION).mailboxes()).isEmpty();
            assertThat(smtp.getReceivedMessages()).as("no mail sent").isEmpty();
            assertThat(proxy.attempts()).as("XOAUTH2 logins in the whole run: %s", proxy.attempts())
                    .singleElement().satisfies(x -> {
                        assertThat(x.mechanism).isEqualTo("XOAUTH2");
                        assertThat(x.accepted()).isFalse();
                    });
            assertThat(result.isSuccess()).isFalse();
            assertThat(result.refusedLogins()).as("said once").singleElement().asString()
                    .startsWith("The target server " + targetUrl + " refused the app's XOAUTH2 token")
                    .contains("check the credentials")
                    .doesNotContain(wrong);
            assertThat(result.due()).noneMatch(m -> m.step() == MailboxStep.PROVISIONED);
        }
    }
}
