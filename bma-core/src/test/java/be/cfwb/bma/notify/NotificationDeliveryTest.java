package be.cfwb.bma.notify;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.EventTypes;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.notify.NotificationOutcome.Status;
import be.cfwb.bma.notify.TestSupport.ClockSleeper;
import be.cfwb.bma.notify.TestSupport.CrashingNotifier;
import be.cfwb.bma.notify.TestSupport.MutableClock;
import be.cfwb.bma.notify.TestSupport.RecordingIssuer;
import be.cfwb.bma.notify.TestSupport.SimulatedCrash;
import be.cfwb.bma.calendar.PlanningSettings;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The four mails end to end: {@link Bma#notify} over a real SMTP submission to GreenMail,
 * which also plays the old mailboxes read back over IMAP.
 */
class NotificationDeliveryTest {

    @RegisterExtension
    static final GreenMailExtension GREENMAIL = new GreenMailExtension(
            ServerSetup.dynamicPort(ServerSetup.createCopy(ServerSetupTest.SMTP_IMAP, s -> s.createCopy("127.0.0.1"))))
            .withPerMethodLifecycle(true);

    static final BmaAddress EC = BmaAddress.parse("ec001394@adm.cfwb.be");
    static final BmaAddress PO = BmaAddress.parse("po000478@adm.cfwb.be");
    static final BmaAddress EC2 = BmaAddress.parse("ec002001@adm.cfwb.be");
    static final String HOSTILE = "Athénée <script>alert('x')</script> & \"Fils\"";
    static final LocalDate MIGRATION = LocalDate.of(2024, 11, 4);
    static final NotificationLinks LINKS = NotificationLinks.of("https://outlook.office.com/mail/",
            "https://enseignement.be/bma/tutoriel-connexion", "https://enseignement.be/bma/tutoriel-logiciel");

    @TempDir
    Path work;

    MutableClock clock;
    ClockSleeper sleeper;
    RecordingIssuer issuer;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(ZonedDateTime.of(2024, 11, 4, 8, 0, 0, 0, PlanningSettings.ZONE).toInstant());
        sleeper = new ClockSleeper(clock);
        issuer = new RecordingIssuer();
        for (BmaAddress a : List.of(EC, PO, EC2)) {
            GREENMAIL.setUser(a.toString(), a.toString(), "old-password");
        }
    }

    Inventory inventory() {
        return Inventory.of(List.of(Mailbox.of(EC, HOSTILE), Mailbox.of(PO, "Ville de Namur"),
                Mailbox.of(EC2, "École communale de Jambes")));
    }

    NotificationSchedule schedule() {
        return NotificationSchedule.of(List.of(TestSupport.schedule(EC, MIGRATION), TestSupport.schedule(PO,
                MIGRATION.minusDays(10)), TestSupport.schedule(EC2, MIGRATION.plusDays(1))));
    }

    SmtpNotifier smtp() {
        return new SmtpNotifier(SmtpSettings.loopback(GREENMAIL.getSmtp().getPort()), sleeper);
    }

    Bma bma(Notifier notifier) {
        return bma(notifier, b -> { });
    }

    Bma bma(Notifier notifier, Consumer<NotificationSettings.Builder> tweak) {
        NotificationSettings.Builder settings = NotificationSettings.builder().links(LINKS).notifier(notifier)
                .credentialIssuer(issuer).sleeper(sleeper).schedule(schedule());
        tweak.accept(settings);
        return Bma.configure().inventory(inventory()).ledgerDirectory(work.resolve("ledger"))
                .outputDirectory(work.resolve("target/bma")).clock(clock).notifications(settings.build()).load();
    }

    /** The old mailbox's INBOX, read over IMAP like the school would, in arrival order. */
    List<MimeMessage> inbox(BmaAddress mailbox) throws Exception {
        Properties props = new Properties();
        Session session = Session.getInstance(props);
        try (Store store = session.getStore("imap")) {
            store.connect("127.0.0.1", GREENMAIL.getImap().getPort(), mailbox.toString(), "old-password");
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            List<MimeMessage> copies = new ArrayList<>();
            for (Message m : inbox.getMessages()) {
                copies.add(new MimeMessage((MimeMessage) m));
            }
            inbox.close(false);
            return copies;
        }
    }

    static String part(MimeMessage message, String type) throws Exception {
        Multipart alternative = (Multipart) message.getContent();
        for (int i = 0; i < alternative.getCount(); i++) {
            BodyPart p = alternative.getBodyPart(i);
            if (p.isMimeType(type)) {
                return (String) p.getContent();
            }
        }
        throw new AssertionError("no " + type + " part");
    }

    static String raw(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    List<LedgerEvent> ledgerEvents() {
        try (Ledger ledger = Ledger.open(work.resolve("ledger"))) {
            return ledger.events();
        }
    }

    long sentEvents(BmaAddress mailbox, int mail) {
        return ledgerEvents().stream().filter(e -> e.concerns(mailbox) && e.type().equals(EventTypes.MAIL_SENT)
                && e.get("mail").equals(Optional.of(Integer.toString(mail)))).count();
    }

    @Test
    void theFourMailsArriveInOrderInFrenchWithBothPartsAndProperHeaders() throws Exception {
        Date start = Date.from(clock.instant());
        NotifyResult result = bma(smtp()).notify(MailboxSelection.parse("ec001394"), MIGRATION);

        assertThat(result.isSuccess()).isTrue();
        assertThat(result.withStatus(Status.SENT)).extracting(NotificationOutcome::kind)
                .containsExactly(NotificationKind.values());
        assertThat(result.late()).extracting(NotificationOutcome::kind)
                .containsExactly(NotificationKind.MAIL1, NotificationKind.MAIL2, NotificationKind.MAIL3);

        List<MimeMessage> inbox = inbox(EC);
        assertThat(inbox).hasSize(4);
        assertThat(inbox).extracting(MimeMessage::getSubject).containsExactly(
                "Migration de votre boîte mail administrative prévue le lundi 4 novembre 2024",
                "Votre nouveau mot de passe pour la nouvelle interface de votre boîte mail administrative",
                "Confirmation : migration de votre boîte mail administrative le lundi 4 novembre 2024",
                "Dernier courriel reçu par l’ancienne interface de votre boîte mail administrative");
        for (int i = 0; i < 4; i++) {
            MimeMessage m = inbox.get(i);
            NotificationKind kind = NotificationKind.values()[i];
            assertThat(m.getMessageID()).isEqualTo("<" + MessageIds.of(EC, kind, "plan-2024-09-30", 1) + ">");
            // Paced by the rate limit on the frozen clock: between the start and the end of the run.
            assertThat(m.getSentDate()).isBetween(start, Date.from(clock.instant()), true, true);
            assertThat(m.getHeader("Date")[0]).startsWith("Mon, 4 Nov 2024 08:00:").endsWith("+0100");
            assertThat(m.getRecipients(Message.RecipientType.TO)).extracting(Address::toString).containsExactly(EC.toString());
            InternetAddress from = (InternetAddress) m.getFrom()[0];
            SenderIdentity expected = SenderIdentity.defaultFor(kind.sender());
            assertThat(from.getAddress()).isEqualTo(expected.address());
            assertThat(from.getPersonal()).isEqualTo(expected.displayName());
            assertThat(m.isMimeType("multipart/alternative")).isTrue();
            assertThat(((Multipart) m.getContent()).getCount()).isEqualTo(2);
            assertThat(((Multipart) m.getContent()).getBodyPart(0).isMimeType("text/plain")).isTrue();
            assertThat(((Multipart) m.getContent()).getBodyPart(0).getContentType()).containsIgnoringCase("charset=UTF-8");
            assertThat(((Multipart) m.getContent()).getBodyPart(1).isMimeType("text/html")).isTrue();
            String rawHeaders = raw(m).substring(0, raw(m).indexOf("\r\n\r\n"));
            assertThat(rawHeaders).contains("Subject: =?UTF-8?").doesNotContain("boîte");
            assertThat(part(m, "text/plain")).startsWith("Madame, Monsieur,").contains(EC.toString())
                    .contains("+32 (0)2/800.10.10").contains("support@etnic.be");
            assertThat(part(m, "text/html")).contains("<html lang=\"fr\">").contains("Madame, Monsieur,");
        }
        String mail1 = part(inbox.get(0), "text/plain");
        assertThat(mail1).contains("Date prévue de la migration : lundi 4 novembre 2024")
                .contains("Accès à la nouvelle interface : à partir du lundi 4 novembre 2024")
                .contains("votre établissement « " + HOSTILE + " » (n° FASE 1394)")
                .contains("l’équipe « Migration BMA » du SGNE").contains("+32 (0)2/413.30.90, migrationBMA@cfwb.be");
        assertThat(part(inbox.get(0), "text/html")).contains("Athénée &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Fils&quot;")
                .doesNotContain("<script>");
        String mail2 = part(inbox.get(1), "text/plain");
        assertThat(mail2).contains("Mot de passe : " + issuer.current(EC)).contains("Identifiant : " + EC);
        assertThat(part(inbox.get(1), "text/html")).contains(issuer.current(EC));
        assertThat(part(inbox.get(2), "text/plain")).contains("https://outlook.office.com/mail/")
                .contains("https://enseignement.be/bma/tutoriel-connexion").contains("https://enseignement.be/bma/tutoriel-logiciel");
        assertThat(part(inbox.get(2), "text/html")).contains("<a href=\"https://outlook.office.com/mail/\">");
        assertThat(part(inbox.get(3), "text/plain")).contains("le dernier que recevra l’ancienne interface")
                .contains("https://outlook.office.com/mail/");

        // The ledger carries what MailboxStep and the planner read, and never the password.
        List<LedgerEvent> sent = ledgerEvents().stream().filter(e -> e.type().equals(EventTypes.MAIL_SENT)).toList();
        assertThat(sent).extracting(e -> e.get("mail").orElseThrow()).containsExactly("1", "2", "3", "4");
        assertThat(sent).allSatisfy(e -> assertThat(e.get("migration_date")).contains("2024-11-04"));
        assertThat(MailboxStep.of(ledgerEvents().stream().filter(e -> e.concerns(EC)).toList()))
                .isEqualTo(MailboxStep.MAIL4_SENT);
    }

    @Test
    void aSecondRunSendsNothing() throws Exception {
        bma(smtp()).notify(MailboxSelection.all(), MIGRATION);
        int before = GREENMAIL.getReceivedMessages().length;
        assertThat(before).isEqualTo(4 + 4 + 3);

        NotifyResult again = bma(smtp()).notify(MailboxSelection.all(), MIGRATION);

        assertThat(GREENMAIL.getReceivedMessages()).hasSize(before);
        assertThat(again.withStatus(Status.SENT)).isEmpty();
        assertThat(again.withStatus(Status.ALREADY_SENT)).extracting(NotificationOutcome::mailbox, NotificationOutcome::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(EC, NotificationKind.MAIL4));
        assertThat(again.isSuccess()).isTrue();
        assertThat(issuer.issued.values()).allSatisfy(list -> assertThat(list).hasSize(1));
    }

    @Test
    void eachDaySendsWhatIsDueThatDay() throws Exception {
        Bma bma = bma(smtp());
        assertThat(bma.notify(MailboxSelection.parse("ec001394"), MIGRATION.minusDays(22)).outcomes()).isEmpty();
        NotifyResult day1 = bma.notify(MailboxSelection.parse("ec001394"), MIGRATION.minusDays(21));
        assertThat(day1.withStatus(Status.SENT)).extracting(NotificationOutcome::kind).containsExactly(NotificationKind.MAIL1);
        assertThat(day1.late()).isEmpty();
        assertThat(bma.notify(MailboxSelection.parse("ec001394"), MIGRATION.minusDays(10)).withStatus(Status.SENT)).isEmpty();
        assertThat(bma.notify(MailboxSelection.parse("ec001394"), MIGRATION.minusDays(7)).withStatus(Status.SENT))
                .extracting(NotificationOutcome::kind).containsExactly(NotificationKind.MAIL2);
        assertThat(inbox(EC)).hasSize(2);
        assertThat(issuer.issued.get(EC)).hasSize(1);
    }

    @Test
    void aRunKilledAfterDeliveryButBeforeRecordingResendsThatMailOnceFlagged() throws Exception {
        assertThatThrownBy(() -> bma(new CrashingNotifier(smtp(), 5, true)).notify(MailboxSelection.all(), MIGRATION))
                .isInstanceOf(SimulatedCrash.class);
        assertThat(GREENMAIL.getReceivedMessages()).hasSize(5);

        NotifyResult rerun = bma(smtp()).notify(MailboxSelection.all(), MIGRATION);

        assertThat(rerun.possibleDuplicates()).hasSize(1);
        NotificationOutcome flagged = rerun.possibleDuplicates().get(0);
        assertThat(rerun.withStatus(Status.SENT)).hasSize(11 - 4);
        // Every mail is in its mailbox once, except the one in flight, which is there twice and flagged.
        for (BmaAddress a : List.of(EC, PO, EC2)) {
            Map<String, Long> byId = inbox(a).stream().collect(Collectors.groupingBy(m -> messageId(m), Collectors.counting()));
            byId.forEach((id, n) -> assertThat(n).as(id).isEqualTo(id.equals("<" + flagged.messageId() + ">") ? 2 : 1));
        }
        assertThat(GREENMAIL.getReceivedMessages()).hasSize(12);
        for (BmaAddress a : List.of(EC, PO)) {
            for (int mail = 1; mail <= 4; mail++) {
                assertThat(sentEvents(a, mail)).isEqualTo(1);
            }
        }
        assertThat(ledgerEvents()).filteredOn(e -> e.get("possible_duplicate").isPresent()).hasSize(1);
        assertThat(java.nio.file.Files.readString(rerun.report())).contains(flagged.messageId() + ",an earlier run stopped");
    }

    @Test
    void aRunKilledBeforeDeliveryThenRerunDeliversEveryMailExactlyOnce() throws Exception {
        assertThatThrownBy(() -> bma(new CrashingNotifier(smtp(), 6, false)).notify(MailboxSelection.all(), MIGRATION))
                .isInstanceOf(SimulatedCrash.class);
        assertThat(GREENMAIL.getReceivedMessages()).hasSize(5);

        NotifyResult rerun = bma(smtp()).notify(MailboxSelection.all(), MIGRATION);

        assertThat(rerun.isSuccess()).isTrue();
        assertThat(rerun.possibleDuplicates()).hasSize(1);
        assertThat(GREENMAIL.getReceivedMessages()).hasSize(11);
        for (BmaAddress a : List.of(EC, PO, EC2)) {
            List<MimeMessage> inbox = inbox(a);
            assertThat(inbox.stream().map(NotificationDeliveryTest::messageId).distinct().count()).isEqualTo(inbox.size());
            // Order per mailbox survives the crash: subjects in mail order.
            assertThat(inbox.stream().map(m -> messageId(m).replaceAll("^<bma\\.mail(\\d).*", "$1")).toList())
                    .isSorted();
        }
    }

    @Test
    void aRunKilledBetweenSettingThePasswordAndSendingMail2IssuesAFreshOne() throws Exception {
        // Mail 1 of EC goes first; the second hand-over is mail 2 of EC (ETNIC) or mail 1 of another mailbox:
        // restrict to EC so the second hand-over is its mail 2.
        assertThatThrownBy(() -> bma(new CrashingNotifier(smtp(), 2, false))
                .notify(MailboxSelection.parse("ec001394"), MIGRATION)).isInstanceOf(SimulatedCrash.class);
        assertThat(issuer.issued.get(EC)).hasSize(1);
        String lost = issuer.current(EC);

        bma(smtp()).notify(MailboxSelection.parse("ec001394"), MIGRATION);

        assertThat(issuer.issued.get(EC)).hasSize(2);
        String valid = issuer.current(EC);
        assertThat(valid).isNotEqualTo(lost);
        List<MimeMessage> mail2 = inbox(EC).stream().filter(m -> messageId(m).startsWith("<bma.mail2.")).toList();
        assertThat(mail2).hasSize(1);
        assertThat(messageId(mail2.get(0))).endsWith(".p2@adm.cfwb.be>");
        assertThat(part(mail2.get(0), "text/plain")).contains(valid).doesNotContain(lost);
        assertThat(ledgerEvents()).filteredOn(e -> e.type().equals(EventTypes.CREDENTIAL_ISSUED)).hasSize(2);
    }

    @Test
    void mail2NeverLeavesBeforeMail1AndAFailureBlocksTheRest() throws Exception {
        Notifier refusingMail1 = new Notifier() {
            final SmtpNotifier real = smtp();

            @Override
            public void send(OutgoingMail mail) {
                if (mail.kind() == NotificationKind.MAIL1 && mail.to().equals(EC)) {
                    throw new BmaException(BmaErrorCode.NOTIFICATION_FAILED, "550 5.1.1 refused " + mail);
                }
                real.send(mail);
            }

            @Override
            public String description() {
                return "refuses mail 1 of " + EC;
            }

            @Override
            public void close() {
                real.close();
            }
        };
        NotifyResult first = bma(refusingMail1).notify(MailboxSelection.parse("ec001394,po000478"), MIGRATION);

        assertThat(first.isSuccess()).isFalse();
        assertThat(first.outcomes()).filteredOn(o -> o.mailbox().equals(EC)).extracting(NotificationOutcome::status)
                .containsExactly(Status.FAILED, Status.BLOCKED, Status.BLOCKED, Status.BLOCKED);
        assertThat(inbox(EC)).isEmpty();
        assertThat(inbox(PO)).hasSize(4);
        assertThat(issuer.issued).doesNotContainKey(EC);

        NotifyResult second = bma(smtp()).notify(MailboxSelection.parse("ec001394,po000478"), MIGRATION);
        assertThat(second.isSuccess()).isTrue();
        assertThat(second.possibleDuplicates()).isEmpty();
        assertThat(inbox(EC)).extracting(NotificationDeliveryTest::messageId).map(id -> id.substring(0, 10))
                .containsExactly("<bma.mail1", "<bma.mail2", "<bma.mail3", "<bma.mail4");
    }

    @Test
    void anUnreachableServerStopsTheRunWithoutGuessing() {
        Notifier unreachable = new SmtpNotifier(SmtpSettings.loopback(freePort()), sleeper);
        NotifyResult result = bma(unreachable).notify(MailboxSelection.all(), MIGRATION);
        assertThat(result.isSuccess()).isFalse();
        assertThat(result.withStatus(Status.FAILED)).hasSize(3);
        assertThat(result.withStatus(Status.BLOCKED)).hasSize(8);
        assertThat(result.withStatus(Status.FAILED).subList(1, 3))
                .allSatisfy(o -> assertThat(o.detail()).startsWith("not attempted: Cannot connect"));
        assertThat(ledgerEvents()).filteredOn(e -> e.type().equals(EventTypes.MAIL_SENDING)).hasSize(1);
        assertThat(ledgerEvents()).filteredOn(e -> e.type().equals(EventTypes.MAIL_FAILED)).hasSize(1);
    }

    @Test
    void missingTutorialLinkFailsBeforeAnythingIsSent() {
        Bma bma = bma(smtp(), b -> b.links(NotificationLinks.of("https://outlook.office.com/mail/",
                "https://enseignement.be/bma/tutoriel-connexion", "")));
        assertThatThrownBy(() -> bma.notify(MailboxSelection.all(), MIGRATION))
                .isInstanceOf(BmaException.class).hasMessageContaining("mail3")
                .hasMessageContaining("{{tutorial2_url}}");
        assertThat(GREENMAIL.getReceivedMessages()).isEmpty();
        assertThat(ledgerEvents()).isEmpty();
    }

    @Test
    void mail2WithoutACredentialIssuerFailsBeforeAnythingIsSent() {
        NotificationSettings settings = NotificationSettings.builder().links(LINKS).notifier(smtp()).sleeper(sleeper)
                .schedule(schedule()).build();
        Bma bma = Bma.configure().inventory(inventory()).ledgerDirectory(work.resolve("ledger"))
                .outputDirectory(work.resolve("out")).clock(clock).notifications(settings).load();
        assertThatThrownBy(() -> bma.notify(MailboxSelection.all(), MIGRATION))
                .hasMessageContaining("no credential issuer");
        assertThat(GREENMAIL.getReceivedMessages()).isEmpty();
        // Mail 1 alone needs none.
        assertThat(bma.notify(MailboxSelection.all(), MIGRATION.minusDays(20)).withStatus(Status.SENT)).hasSize(3);
    }

    @Test
    void eachSenderIsPacedAndItsDailyAllowanceDefersTheRest() throws Exception {
        Bma bma = bma(smtp(), b -> b.rateLimit(SenderRole.SGNE, new RateLimit(2, 2)).rateLimit(SenderRole.ETNIC,
                new RateLimit(6, 100)));
        NotifyResult result = bma.notify(MailboxSelection.all(), MIGRATION);

        // SGNE may send 2 a day: mail 1 of two mailboxes; the third mailbox's mail 1 waits, and so does its chain.
        assertThat(result.withStatus(Status.SENT)).filteredOn(o -> o.kind().sender() == SenderRole.SGNE).hasSize(2);
        assertThat(result.withStatus(Status.DEFERRED)).isNotEmpty();
        assertThat(result.isSuccess()).isTrue();
        // SGNE mails 30 s apart, ETNIC 10 s apart; nothing sleeps for real.
        assertThat(sleeper.waits).isNotEmpty().allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Duration.ofSeconds(30)));
        List<LedgerEvent> sent = ledgerEvents().stream().filter(e -> e.type().equals(EventTypes.MAIL_SENT)).toList();
        for (SenderRole role : SenderRole.values()) {
            List<LedgerEvent> bySender = sent.stream().filter(e -> e.get("sender").equals(Optional.of(role.name()))).toList();
            Duration interval = role == SenderRole.SGNE ? Duration.ofSeconds(30) : Duration.ofSeconds(10);
            for (int i = 1; i < bySender.size(); i++) {
                assertThat(Duration.between(bySender.get(i - 1).at(), bySender.get(i).at())).isGreaterThanOrEqualTo(interval);
            }
        }
        // The next run within 24 h still finds SGNE's allowance used up.
        clock.advance(Duration.ofHours(1));
        assertThat(bma.notify(MailboxSelection.all(), MIGRATION).withStatus(Status.SENT)).isEmpty();
        clock.advance(Duration.ofHours(24));
        assertThat(bma.notify(MailboxSelection.all(), MIGRATION).withStatus(Status.SENT)).isNotEmpty();
    }

    @Test
    void twoRolesSendingFromOneMailboxShareItsAllowance() throws Exception {
        Bma bma = bma(smtp(), b -> b.sender(SenderRole.ETNIC, SenderIdentity.of("ETNIC", "MigrationBMA@cfwb.be"))
                .rateLimit(SenderRole.SGNE, new RateLimit(2, 100)).rateLimit(SenderRole.ETNIC, new RateLimit(60, 5)));
        NotifyResult result = bma.notify(MailboxSelection.all(), MIGRATION);

        // One mailbox (migrationBMA@cfwb.be, any case) sends everything: 30 s apart, 5 in the day.
        assertThat(result.withStatus(Status.SENT)).hasSize(5);
        assertThat(result.withStatus(Status.DEFERRED)).hasSize(11 - 5);
        List<LedgerEvent> sent = ledgerEvents().stream().filter(e -> e.type().equals(EventTypes.MAIL_SENT)).toList();
        for (int i = 1; i < sent.size(); i++) {
            assertThat(Duration.between(sent.get(i - 1).at(), sent.get(i).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
        }
    }

    @Test
    void dryRunWritesTheOutboxWithThePasswordMaskedAndRecordsNothing() throws Exception {
        NotifyResult result = bma(smtp()).notify(MailboxSelection.parse("ec001394"), MIGRATION, true);

        assertThat(result.dryRun()).isTrue();
        assertThat(result.withStatus(Status.RENDERED)).hasSize(4);
        Path outbox = work.resolve("target/bma/outbox");
        assertThat(result.outbox()).contains(outbox);
        for (int n = 1; n <= 4; n++) {
            assertThat(outbox.resolve("ec001394@adm.cfwb.be-mail" + n + ".eml")).isRegularFile();
        }
        MimeMessage mail2 = new MimeMessage(Session.getInstance(new Properties()),
                java.nio.file.Files.newInputStream(outbox.resolve("ec001394@adm.cfwb.be-mail2.eml")));
        assertThat(part(mail2, "text/plain")).contains("Mot de passe : ********");
        assertThat(part(mail2, "text/html")).contains("********");
        assertThat(issuer.issued).isEmpty();
        assertThat(GREENMAIL.getReceivedMessages()).isEmpty();
        assertThat(ledgerEvents()).isEmpty();
    }

    @Test
    void aLedgerOutOfOrderBlocksThatMailboxOnly() throws Exception {
        try (Ledger ledger = Ledger.open(work.resolve("ledger"), clock)) {
            ledger.append(be.cfwb.bma.ledger.LedgerEntry.of(EventTypes.MAIL_SENT).mailbox(EC).with("mail", "2"));
        }
        NotifyResult result = bma(smtp()).notify(MailboxSelection.parse("ec001394,po000478"), MIGRATION);
        assertThat(result.outcomes()).filteredOn(o -> o.mailbox().equals(EC))
                .extracting(NotificationOutcome::kind, NotificationOutcome::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(NotificationKind.MAIL1, Status.BLOCKED));
        assertThat(result.problems()).singleElement().satisfies(o -> assertThat(o.detail())
                .contains("mail 2 sent but not mail 1"));
        assertThat(inbox(EC)).isEmpty();
        assertThat(inbox(PO)).hasSize(4);
    }

    @Test
    void aPlanThatMovedAnAnnouncedDateBlocksTheFollowingMails() throws Exception {
        bma(smtp()).notify(MailboxSelection.parse("ec001394"), MIGRATION.minusDays(21));
        clock.advance(java.time.Duration.ofDays(1));
        NotificationSchedule moved = NotificationSchedule.of(List.of(TestSupport.schedule(EC, MIGRATION.plusDays(1))));
        NotifyResult result = bma(smtp(), b -> b.schedule(moved)).notify(MailboxSelection.parse("ec001394"),
                MIGRATION.plusDays(1));
        assertThat(result.outcomes()).extracting(NotificationOutcome::status).containsOnly(Status.BLOCKED).hasSize(3);
        assertThat(result.problems().get(0).detail()).contains("mail 1 announced 2024-11-04 but the plan now says 2024-11-05");
        assertThat(inbox(EC)).hasSize(1);
        assertThat(issuer.issued).isEmpty();
    }

    @Test
    void anIssuerThatBreaksItsContractFailsMail2WithoutEchoingIt() throws Exception {
        be.cfwb.bma.credentials.CredentialIssuer broken = new be.cfwb.bma.credentials.CredentialIssuer() {
            @Override
            public void issue(BmaAddress mailbox, be.cfwb.bma.credentials.Secret password) {
                throw new IllegalStateException("cannot set " + password.reveal());
            }

            @Override
            public String description() {
                return "broken issuer";
            }
        };
        NotifyResult result = bma(smtp(), b -> b.credentialIssuer(broken)).notify(MailboxSelection.parse("ec001394"),
                MIGRATION);
        assertThat(result.outcomes()).extracting(NotificationOutcome::status)
                .containsExactly(Status.SENT, Status.FAILED, Status.BLOCKED, Status.BLOCKED);
        assertThat(result.problems().get(0).detail()).isEqualTo(
                "the new password could not be set: unexpected IllegalStateException from broken issuer");
        assertThat(inbox(EC)).hasSize(1);
    }

    @Test
    void senderIdentitiesAndReplyToComeFromTheProperties() throws Exception {
        Bma bma = bma(smtp(), b -> b.properties(Map.of(
                "bma.notify.sgne.name", "Équipe « Migration BMA »",
                "bma.notify.sgne.address", "noreply-bma@cfwb.be",
                "bma.notify.sgne.replyTo", "migrationBMA@cfwb.be",
                "bma.notify.etnic.address", "noreply@etnic.be")));
        bma.notify(MailboxSelection.parse("ec001394"), MIGRATION);

        List<MimeMessage> inbox = inbox(EC);
        InternetAddress sgne = (InternetAddress) inbox.get(0).getFrom()[0];
        assertThat(sgne.getPersonal()).isEqualTo("Équipe « Migration BMA »");
        assertThat(sgne.getAddress()).isEqualTo("noreply-bma@cfwb.be");
        assertThat(inbox.get(0).getReplyTo()).extracting(Address::toString).containsExactly("migrationBMA@cfwb.be");
        assertThat(inbox.get(0).getHeader("From")[0]).startsWith("=?UTF-8?");
        assertThat(part(inbox.get(0), "text/plain").replace("\r\n", "\n")).endsWith("Équipe « Migration BMA »\nService général du Numérique éducatif (SGNE)\nFédération Wallonie-Bruxelles\n");
        InternetAddress etnic = (InternetAddress) inbox.get(1).getFrom()[0];
        assertThat(etnic.getAddress()).isEqualTo("noreply@etnic.be");
        assertThat(etnic.getPersonal()).isEqualTo("ETNIC – Service Desk");
        assertThat(inbox.get(1).getReplyTo()).extracting(Address::toString).containsExactly(etnic.toString());
    }

    static String messageId(MimeMessage m) {
        try {
            return m.getMessageID();
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
