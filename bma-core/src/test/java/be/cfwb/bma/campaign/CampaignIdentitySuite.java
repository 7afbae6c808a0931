package be.cfwb.bma.campaign;

import be.cfwb.bma.AdoptResult;
import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlanningSettings;
import be.cfwb.bma.credentials.CredentialIssuer;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.notify.MailboxSchedule;
import be.cfwb.bma.notify.NotificationKind;
import be.cfwb.bma.notify.NotificationLinks;
import be.cfwb.bma.notify.NotificationOutcome;
import be.cfwb.bma.notify.NotificationOutcome.Status;
import be.cfwb.bma.notify.NotificationSchedule;
import be.cfwb.bma.notify.NotificationSettings;
import be.cfwb.bma.notify.NotifyResult;
import be.cfwb.bma.notify.SmtpNotifier;
import be.cfwb.bma.notify.SmtpSettings;
import be.cfwb.bma.retry.Sleeper;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.transfer.CopyTrace;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MessageFlags;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Campaign identity end to end, on real servers: GreenMail as the old server (IMAP, and SMTP
 * delivering the notification mails into the old mailboxes) and the target of each subclass. One
 * mailbox (EC) is migrated by ledger A; another (PO) is not. A ledger that is not A's must then
 * neither mail EC nor reset its password, and say how to restore or adopt; PO goes on.
 */
abstract class CampaignIdentitySuite {

    static final BmaAddress EC = BmaAddress.parse("ec001394@adm.cfwb.be");
    static final BmaAddress PO = BmaAddress.parse("po000478@adm.cfwb.be");
    static final String PASSWORD = "old-password";
    static final LocalDate MIGRATION = LocalDate.of(2024, 11, 4);
    static final Clock CLOCK = Clock.fixed(ZonedDateTime.of(2024, 11, 4, 9, 0, 0, 0, PlanningSettings.ZONE).toInstant(),
            PlanningSettings.ZONE);
    static final Sleeper NO_WAIT = d -> { };

    @TempDir
    Path work;
    GreenMail old;
    MailServerFixture target;
    final List<BmaAddress> issued = Collections.synchronizedList(new ArrayList<>());

    protected abstract MailServerFixture startTarget();

    @BeforeEach
    void servers() {
        old = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)});
        old.start();
        target = startTarget();
        for (BmaAddress a : List.of(EC, PO)) {
            old.setUser(a.toString(), a.toString(), PASSWORD);
            target.createUser(a, PASSWORD);
        }
        try (MailboxSeeder seeder = MailboxSeeder.connect(endpoint(old), EC.toString(), PASSWORD)) {
            seeder.folder(FolderPath.of("Projets"));
            seeder.append(FolderPath.inbox(), message("Réunion", 1), MessageFlags.NONE, Instant.parse("2024-09-01T08:00:00Z"));
            seeder.append(FolderPath.inbox(), message("Budget", 2), MailboxSeeder.flags("\\Seen"),
                    Instant.parse("2024-09-02T08:00:00Z"));
            seeder.append(FolderPath.of("Projets"), message("Projet", 3), MessageFlags.NONE,
                    Instant.parse("2024-09-03T08:00:00Z"));
        }
        try (MailboxSeeder seeder = MailboxSeeder.connect(endpoint(old), PO.toString(), PASSWORD)) {
            seeder.append(FolderPath.inbox(), message("PO", 4), MessageFlags.NONE, Instant.parse("2024-09-04T08:00:00Z"));
        }
    }

    @AfterEach
    void stop() throws Exception {
        old.stop();
        target.close();
    }

    @Test
    void copiesCarryTheLedgersCampaignAndStillVerify() {
        Bma a = bma("ledger-a");
        assertThat(a.migrate(MailboxSelection.parse(EC.toString()), Pass.PRESTAGE).isSuccess()).isTrue();

        String campaign = campaignOf("ledger-a");
        try (Ledger ledger = Ledger.openReadOnly(work.resolve("ledger-a"), CLOCK)) {
            assertThat(ledger.events().get(0).type()).as("the id is the ledger's first event").isEqualTo(CampaignLedger.CREATED);
        }
        try (MailboxInspector inspector = target.inspector(EC, PASSWORD)) {
            for (FolderPath folder : List.of(FolderPath.inbox(), FolderPath.of("Projets"))) {
                for (MailboxInspector.StoredMessage m : inspector.messages(folder)) {
                    String raw = new String(inspector.raw(folder, m.uid()), StandardCharsets.US_ASCII);
                    assertThat(raw).as("key line first, then the campaign's")
                            .startsWith(SourceKey.HEADER + ": " + m.trace().orElseThrow() + "\r\n"
                                    + CopyTrace.CAMPAIGN_HEADER + ": " + campaign + "\r\n");
                }
            }
        }
        assertThat(a.verify(MailboxSelection.parse(EC.toString())).isSuccess())
                .as("the campaign's line is not counted as a change of the bytes").isTrue();
        // A second pass finds every copy (matching by key is unchanged) and copies nothing again.
        assertThat(a.migrate(MailboxSelection.parse(EC.toString()), Pass.FINAL).report().mailboxes().get(0).copied()).isZero();
    }

    @Test
    void anEmptyLedgerFacingAMigratedTargetSendsNoMailAndResetsNoPasswordAndSaysWhatToDo() throws Exception {
        bma("ledger-a").migrate(MailboxSelection.parse(EC.toString()), Pass.PRESTAGE);
        String campaignA = campaignOf("ledger-a");

        NotifyResult result = bma("ledger-b").notify(MailboxSelection.all(), MIGRATION);

        assertRefused(result, campaignA, campaignOf("ledger-b"));
        assertThat(events("ledger-b", EC)).as("nothing recorded for EC").isEmpty();
    }

    @Test
    void aForeignLedgerFacingAMigratedTargetLikewiseRefusesAndItsOwnMailboxesGoOn() throws Exception {
        bma("ledger-a").migrate(MailboxSelection.parse(EC.toString()), Pass.PRESTAGE);
        // Ledger C runs its own campaign: it migrated PO, whose copies carry C.
        Bma c = bma("ledger-c");
        c.migrate(MailboxSelection.parse(PO.toString()), Pass.PRESTAGE);
        assertThat(campaignOf("ledger-c")).isNotEqualTo(campaignOf("ledger-a"));

        NotifyResult result = c.notify(MailboxSelection.all(), MIGRATION);

        assertRefused(result, campaignOf("ledger-a"), campaignOf("ledger-c"));
    }

    @Test
    void theLedgerThatMigratedGoesOn() throws Exception {
        Bma a = bma("ledger-a");
        a.migrate(MailboxSelection.parse(EC.toString()), Pass.PRESTAGE);

        NotifyResult result = a.notify(MailboxSelection.all(), MIGRATION);

        assertThat(result.withStatus(Status.SENT)).hasSize(8);
        assertThat(issued).containsExactlyInAnyOrder(EC, PO);
    }

    @Test
    void afterAnExplicitAdoptionTheMailboxGoesOnAndTheAdoptionIsInTheLedger() throws Exception {
        bma("ledger-a").migrate(MailboxSelection.parse(EC.toString()), Pass.PRESTAGE);
        String campaignA = campaignOf("ledger-a");
        Bma b = bma("ledger-b");

        AdoptResult looked = b.adopt(MailboxSelection.parse(EC + "," + PO), "ops", true);
        assertThat(looked.rows()).extracting(r -> r.found().foreign()).containsExactly(true, false);
        assertThat(looked.rows().get(0).found().campaign()).contains(campaignA);
        assertThat(events("ledger-b", EC)).as("a dry run records nothing").isEmpty();

        AdoptResult adopted = b.adopt(MailboxSelection.parse(EC.toString()), "ops", false);

        assertThat(adopted.rows()).singleElement().satisfies(r -> assertThat(r.adopted()).isTrue());
        assertThat(events("ledger-b", EC)).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(CampaignLedger.ADOPTED);
            assertThat(e.data()).containsEntry("found", campaignA).containsEntry("by", "ops");
        });
        NotifyResult result = b.notify(MailboxSelection.all(), MIGRATION);
        assertThat(result.withStatus(Status.SENT)).hasSize(8);
        assertThat(issued).containsExactlyInAnyOrder(EC, PO);
        assertThat(b.adopt(MailboxSelection.parse(EC.toString()), "ops", false).rows().get(0).adopted())
                .as("adopted once").isFalse();
    }

    @Test
    void aDryRunOfAnEmptyLedgerLooksAtNothingAndRecordsNothing() {
        bma("ledger-a").migrate(MailboxSelection.parse(EC.toString()), Pass.PRESTAGE);

        NotifyResult dry = bma("ledger-b").notify(MailboxSelection.all(), MIGRATION, true);

        assertThat(dry.withStatus(Status.RENDERED)).hasSize(8);
        try (Ledger ledger = Ledger.openReadOnly(work.resolve("ledger-b"), CLOCK)) {
            assertThat(ledger.size()).as("not even a campaign id").isZero();
        }
        assertThat(issued).isEmpty();
    }

    private void assertRefused(NotifyResult result, String theirs, String ours) throws Exception {
        List<NotificationOutcome> ec = result.outcomes().stream().filter(o -> o.mailbox().equals(EC)).toList();
        assertThat(ec).hasSize(4).allSatisfy(o -> assertThat(o.status()).isEqualTo(Status.BLOCKED));
        NotificationOutcome first = ec.stream().filter(o -> o.kind() == NotificationKind.MAIL1).findFirst().orElseThrow();
        assertThat(first.detail()).startsWith(BmaErrorCode.CAMPAIGN_MISMATCH + ": " + EC)
                .contains("campaign " + theirs).contains("campaign " + ours)
                .contains("restore the ledger of campaign " + theirs)
                .contains("mvn bma:adopt -Dbma.mailboxes=" + EC)
                .doesNotContain(PASSWORD);
        assertThat(result.outcomes().stream().filter(o -> o.mailbox().equals(PO)))
                .hasSize(4).allSatisfy(o -> assertThat(o.status()).isEqualTo(Status.SENT));
        assertThat(result.isSuccess()).isFalse();
        assertThat(issued).as("no password reset for EC").containsExactly(PO);
        List<String> recipients = new ArrayList<>();
        for (Message m : old.getReceivedMessages()) {
            recipients.add(((InternetAddress) m.getAllRecipients()[0]).getAddress());
        }
        // The seeded messages were appended to the old server too: the notification mails are those to a BMA.
        assertThat(recipients).filteredOn(r -> r.endsWith("@adm.cfwb.be")).hasSize(4).containsOnly(PO.toString());
    }

    Bma bma(String ledger) {
        NotificationSettings notifications = NotificationSettings.builder()
                .links(NotificationLinks.of("https://outlook.office.com/mail/", "https://enseignement.be/t1",
                        "https://enseignement.be/t2"))
                .notifier(new SmtpNotifier(SmtpSettings.loopback(old.getSmtp().getPort()), NO_WAIT))
                .credentialIssuer(new CredentialIssuer() {
                    @Override
                    public void issue(BmaAddress mailbox, Secret password) {
                        issued.add(mailbox);
                    }

                    @Override
                    public String description() {
                        return "recording issuer";
                    }
                }).sleeper(NO_WAIT)
                .schedule(NotificationSchedule.of(List.of(schedule(EC), schedule(PO)))).build();
        CredentialSource logins = m -> new MailboxCredentials.Password(m.toString(), Secret.of(PASSWORD));
        return Bma.configure().inventory(Inventory.of(List.of(Mailbox.of(EC, "École"), Mailbox.of(PO, "PO"))))
                .ledgerDirectory(work.resolve(ledger)).outputDirectory(work.resolve("out-" + ledger)).clock(CLOCK)
                .notifications(notifications)
                .transfer(TransferSettings.builder().imapSource(endpoint(old), logins, CLOCK)
                        .imapTarget(target.imapEndpoint(), logins, CLOCK).spoolDirectory(work).build())
                .load();
    }

    String campaignOf(String ledger) {
        try (Ledger l = Ledger.openReadOnly(work.resolve(ledger), CLOCK)) {
            return CampaignLedger.of(l).orElseThrow().value();
        }
    }

    List<LedgerEvent> events(String ledger, BmaAddress mailbox) {
        try (Ledger l = Ledger.openReadOnly(work.resolve(ledger), CLOCK)) {
            return l.history(mailbox);
        }
    }

    static MailboxSchedule schedule(BmaAddress mailbox) {
        Map<NotificationKind, LocalDateTime> due = new EnumMap<>(NotificationKind.class);
        due.put(NotificationKind.MAIL1, MIGRATION.minusDays(7).atTime(9, 0));
        due.put(NotificationKind.MAIL2, MIGRATION.atTime(7, 0));
        due.put(NotificationKind.MAIL3, MIGRATION.atTime(7, 30));
        due.put(NotificationKind.MAIL4, MIGRATION.atTime(8, 0));
        return new MailboxSchedule(mailbox, MIGRATION, MIGRATION, due, "plan-2024-10-01");
    }

    static byte[] message(String subject, int n) {
        return ("From: a@example.org\r\nTo: b@example.org\r\nSubject: " + subject + "\r\nMessage-ID: <m" + n
                + "@example.org>\r\nDate: Mon, 2 Sep 2024 10:00:00 +0200\r\n\r\nCorps " + n + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static ImapEndpoint endpoint(GreenMail server) {
        return ImapEndpoint.parse("imap://127.0.0.1:" + server.getImap().getPort(), "GreenMail");
    }
}
