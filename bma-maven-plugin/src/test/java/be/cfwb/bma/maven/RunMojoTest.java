package be.cfwb.bma.maven;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaConfiguration;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.credentials.CredentialIssuer;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.notify.NotificationLinks;
import be.cfwb.bma.notify.NotificationSettings;
import be.cfwb.bma.notify.SmtpNotifier;
import be.cfwb.bma.notify.SmtpSettings;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.SampleMailboxes;
import be.cfwb.bma.transfer.TransferSettings;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How {@code bma:run} ends, as cron and CI see it: exit 0 (the goal returns) when the day is done
 * but for mailboxes waiting for the routing switch, a failure when something is wrong, and a dry
 * run that changes nothing. GreenMail plays the old server (its SMTP delivers into the old
 * mailboxes) and the new one; the goal's configuration is the test's, with the clock at 09:00
 * on the migration day and an in-memory password issuer, so only the goal's mapping of the
 * result is under test together with the core.
 */
class RunMojoTest {

    private static final BmaAddress MAILBOX = BmaAddress.parse("ec001394@adm.cfwb.be");
    private static final String PASSWORD = "pw-old";

    @TempDir
    Path dir;
    private GreenMail oldServer;
    private GreenMail newServer;
    /** IMAP clients reach both servers through the test kit's relay, which acknowledges GreenMail's replies at once. */
    private GreenMailFixture oldImap;
    private GreenMailFixture newImap;
    private final AtomicReference<Instant> now = new AtomicReference<>();
    private final List<String> info = new ArrayList<>();

    @BeforeEach
    void servers() {
        oldServer = greenMail();
        newServer = greenMail();
        oldImap = GreenMailFixture.over(oldServer);
        newImap = GreenMailFixture.over(newServer);
        oldServer.setUser(MAILBOX.toString(), MAILBOX.toString(), PASSWORD);
        newServer.setUser(MAILBOX.toString(), MAILBOX.toString(), PASSWORD);
        try (MailboxSeeder seeder = MailboxSeeder.connect(oldImap.imapEndpoint(), MAILBOX.toString(), PASSWORD)) {
            SampleMailboxes.seed(seeder, MAILBOX, 3);
        }
    }

    @AfterEach
    void stop() {
        oldImap.close();
        newImap.close();
    }

    @Test
    void aDayWaitingForTheRoutingSwitchEndsWithExitZeroAndOneClearLine() throws Exception {
        LocalDate day = migrationDay(oldServer);

        mojo(oldServer, day, false).execute();

        assertThat(info).contains("bma:run " + day + " done except 1 mailbox(es) waiting: 1 for the routing switch (bma:cutover)");
        assertThat(info).anySatisfy(l -> assertThat(l).contains(MAILBOX.toString()).contains("mail 4 sent  (waiting for the routing switch"));
        assertThat(oldServer.getReceivedMessages()).as("the four mails, in the old mailbox").hasSize(3 + 4);
    }

    @Test
    void aMail4ThatNeverReachedTheOldMailboxFailsTheDayOnceTheDeliveryWaitIsOver() throws Exception {
        LocalDate day = migrationDay(newServer);
        mojo(newServer, day, false).execute();
        assertThat(info).anySatisfy(l -> assertThat(l).contains("waiting"));

        now.set(now.get().plus(Duration.ofMinutes(31)));
        RunMojo later = mojo(newServer, day, false);

        assertThatThrownBy(later::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("1 mailbox(es) due by " + day + " are not verified yet");
    }

    @Test
    void aDryRunLeavesTheLedgerByteIdenticalAndSendsAndCopiesNothing() throws Exception {
        LocalDate day = migrationDay(oldServer);
        Path journal = dir.resolve("ledger/ledger.jsonl");
        byte[] before = Files.exists(journal) ? Files.readAllBytes(journal) : new byte[0];
        int oldMessages = oldServer.getReceivedMessages().length;

        mojo(oldServer, day, true).execute();

        assertThat(Files.exists(journal) ? Files.readAllBytes(journal) : new byte[0]).isEqualTo(before);
        assertThat(oldServer.getReceivedMessages()).as("nothing sent").hasSize(oldMessages);
        assertThat(newServer.getReceivedMessages()).as("nothing copied").isEmpty();
        String account = Files.readString(dir.resolve("out/dry-run/run-" + day + ".txt"));
        assertThat(account).contains("nothing was sent, reset, copied, cut over or recorded")
                .contains("mail 4          would act on 1: " + MAILBOX);
        assertThat(info).anySatisfy(l -> assertThat(l).startsWith("Dry run of " + day + ": nothing was sent"));
    }

    @Test
    void tomorrowIsRefusedNamingBmaDate() throws Exception {
        LocalDate day = migrationDay(oldServer);

        assertThatThrownBy(mojo(oldServer, day.plusDays(1), false)::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("bma.date " + day.plusDays(1) + " is after today");
        assertThat(oldServer.getReceivedMessages()).hasSize(3);
    }

    /** The mailbox's migration day by the default plan; the clock set to 09:00 that day, after every mail's time. */
    private LocalDate migrationDay(GreenMail relay) {
        now.set(Instant.parse("2024-09-02T08:00:00Z"));
        PlannedMailbox planned = configuration(relay).load().plan(MailboxSelection.all(), true).plan().mailboxes().get(0);
        now.set(planned.migrationDate().atTime(9, 0).atZone(ZoneId.of("Europe/Brussels")).toInstant());
        return planned.migrationDate();
    }

    private RunMojo mojo(GreenMail relay, LocalDate day, boolean dryRun) {
        RunMojo mojo = new RunMojo() {
            @Override
            protected BmaConfiguration configuration() {
                return RunMojoTest.this.configuration(relay);
            }
        };
        mojo.date = day.toString();
        mojo.dryRun = dryRun;
        mojo.setLog(new SystemStreamLog() {
            @Override
            public void info(CharSequence content) {
                info.add(content.toString());
                super.info(content);
            }
        });
        return mojo;
    }

    /** The old server's SMTP or, to play a wrong relay, the new server's. */
    private BmaConfiguration configuration(GreenMail relay) {
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneId.of("Europe/Brussels");
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return Clock.fixed(now.get(), zone);
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        CredentialIssuer issuer = new CredentialIssuer() {
            @Override
            public void issue(BmaAddress mailbox, Secret password) {
            }

            @Override
            public String description() {
                return "in-memory issuer";
            }
        };
        CredentialSource logins = m -> new MailboxCredentials.Password(m.toString(), Secret.of(PASSWORD));
        return Bma.configure().inventory(Inventory.of(List.of(Mailbox.of(MAILBOX, "École"))))
                .ledgerDirectory(dir.resolve("ledger")).outputDirectory(dir.resolve("out")).clock(clock)
                .notifications(NotificationSettings.builder()
                        .links(NotificationLinks.of("https://outlook.office.com/mail/", "https://e.be/1", "https://e.be/2"))
                        .notifier(new SmtpNotifier(SmtpSettings.loopback(relay.getSmtp().getPort()), d -> { }))
                        .sleeper(d -> { }).credentialIssuer(issuer).build())
                .transfer(TransferSettings.builder().imapSource(oldImap.imapEndpoint(), logins, clock)
                        .imapTarget(newImap.imapEndpoint(), logins, clock).spoolDirectory(dir).build());
    }

    private static GreenMail greenMail() {
        GreenMail server = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)});
        server.start();
        return server;
    }
}
