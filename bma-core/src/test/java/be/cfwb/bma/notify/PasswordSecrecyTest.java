package be.cfwb.bma.notify;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.notify.TestSupport.ClockSleeper;
import be.cfwb.bma.notify.TestSupport.CrashingNotifier;
import be.cfwb.bma.notify.TestSupport.MutableClock;
import be.cfwb.bma.notify.TestSupport.RecordingIssuer;
import be.cfwb.bma.notify.TestSupport.SimulatedCrash;
import be.cfwb.bma.calendar.PlanningSettings;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The new password reaches mail 2 and nothing else: not the other mails, the logs, the
 * ledger, the reports, the dry-run outbox, results or exception messages — across a normal
 * run, a refused mail 2, a mail 2 whose hand-over broke off, and a crash.
 */
class PasswordSecrecyTest {

    @RegisterExtension
    static final GreenMailExtension GREENMAIL = new GreenMailExtension(
            ServerSetupTest.SMTP.createCopy("127.0.0.1").dynamicPort())
            .withPerMethodLifecycle(true);

    static final LocalDate MIGRATION = LocalDate.of(2024, 11, 12);

    @TempDir
    Path work;

    @Test
    void thePasswordIsOnlyEverInMail2() throws Exception {
        List<BmaAddress> addresses = new ArrayList<>();
        List<Mailbox> mailboxes = new ArrayList<>();
        List<MailboxSchedule> schedules = new ArrayList<>();
        for (int fase = 3000; fase < 3006; fase++) {
            BmaAddress a = BmaAddress.of(be.cfwb.bma.address.BmaKind.EC, fase);
            addresses.add(a);
            mailboxes.add(Mailbox.of(a, "École " + fase));
            schedules.add(TestSupport.schedule(a, MIGRATION));
        }
        MutableClock clock = new MutableClock(ZonedDateTime.of(2024, 11, 12, 6, 30, 0, 0,
                PlanningSettings.ZONE).toInstant());
        ClockSleeper sleeper = new ClockSleeper(clock);
        RecordingIssuer issuer = new RecordingIssuer();
        SmtpNotifier smtp = new SmtpNotifier(SmtpSettings.loopback(GREENMAIL.getSmtp().getPort()), sleeper);
        AtomicBoolean refusedOnce = new AtomicBoolean();
        AtomicBoolean brokeOnce = new AtomicBoolean();
        List<String> exceptionMessages = new ArrayList<>();
        Notifier flaky = new Notifier() {
            @Override
            public void send(OutgoingMail mail) {
                if (mail.kind().carriesPassword() && mail.to().equals(addresses.get(1)) && !refusedOnce.getAndSet(true)) {
                    throw remember(new BmaException(BmaErrorCode.NOTIFICATION_FAILED, "552 refused " + mail));
                }
                if (mail.kind().carriesPassword() && mail.to().equals(addresses.get(2)) && !brokeOnce.getAndSet(true)) {
                    smtp.send(mail);
                    throw remember(new BmaException(BmaErrorCode.NOTIFICATION_UNCERTAIN, "connection reset after " + mail));
                }
                smtp.send(mail);
            }

            private BmaException remember(BmaException e) {
                exceptionMessages.add(e.getMessage());
                return e;
            }

            @Override
            public String description() {
                return "flaky " + smtp.description();
            }

            @Override
            public void close() {
                smtp.close();
            }
        };

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8);
        List<Object> results = new ArrayList<>();
        System.setOut(tee);
        System.setErr(tee);
        try {
            NotificationSettings.Builder settings = NotificationSettings.builder()
                    .links(NotificationLinks.of("https://outlook.office.com/mail/", "https://e.be/t1", "https://e.be/t2"))
                    .credentialIssuer(issuer).sleeper(sleeper).schedule(NotificationSchedule.of(schedules));
            Bma bma = bma(settings.notifier(flaky).build(), mailboxes, clock);
            results.add(bma.notify(MailboxSelection.all(), MIGRATION.minusDays(7), true));
            results.add(bma.notify(MailboxSelection.all(), MIGRATION.minusDays(7)));
            Bma crashing = bma(settings.notifier(new CrashingNotifier(smtp, 3, true)).build(), mailboxes, clock);
            assertThatThrownBy(() -> crashing.notify(MailboxSelection.all(), MIGRATION.minusDays(2)))
                    .isInstanceOf(SimulatedCrash.class)
                    .satisfies(e -> exceptionMessages.add(e.getMessage()));
            results.add(bma.notify(MailboxSelection.all(), MIGRATION.minusDays(2)));
            results.add(bma.notify(MailboxSelection.all(), MIGRATION));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }

        List<String> passwords = issuer.issued.values().stream().flatMap(List::stream).toList();
        assertThat(issuer.issued).containsOnlyKeys(addresses);
        assertThat(passwords).hasSizeGreaterThan(addresses.size());
        assertThat(work.resolve("out/outbox/ec003000@adm.cfwb.be-mail2.eml")).content().contains(
                "Mot de passe : ********");

        String logs = captured.toString(StandardCharsets.UTF_8);
        assertThat(logs).contains("Sent mail 2 to").contains("was not sent").contains("may or may not have left");
        assertNoPassword("captured logs", logs, passwords);
        assertNoPassword("results", results.toString(), passwords);
        assertNoPassword("exception messages", exceptionMessages.toString(), passwords);
        try (Stream<Path> ledger = Files.walk(work.resolve("ledger")); Stream<Path> out = Files.walk(work.resolve("out"))) {
            List<Path> regular = Stream.concat(ledger, out).filter(Files::isRegularFile).toList();
            assertThat(regular).anyMatch(p -> p.toString().endsWith("ledger.jsonl"))
                    .anyMatch(p -> p.toString().endsWith(".csv")).anyMatch(p -> p.toString().endsWith("-mail2.eml"));
            for (Path file : regular) {
                assertNoPassword(file.toString(), Files.readString(file, StandardCharsets.ISO_8859_1), passwords);
                assertNoPassword(file.toString(), Files.readString(file, StandardCharsets.UTF_8), passwords);
            }
        }
        // On the wire: every password in a mail 2 of its own mailbox, never in another mail.
        List<String> delivered = new ArrayList<>();
        for (MimeMessage m : GREENMAIL.getReceivedMessages()) {
            String raw = raw(m);
            boolean isMail2 = m.getMessageID().startsWith("<bma.mail2.");
            String to = m.getAllRecipients()[0].toString();
            for (BmaAddress a : addresses) {
                for (String p : issuer.issued.get(a)) {
                    if (raw.contains(p)) {
                        assertThat(isMail2).as("password found outside mail 2: " + m.getMessageID()).isTrue();
                        assertThat(to).isEqualTo(a.toString());
                        delivered.add(p);
                    }
                }
            }
        }
        // Each mailbox's current password was delivered.
        for (BmaAddress a : addresses) {
            assertThat(delivered).contains(issuer.current(a));
        }
    }

    private Bma bma(NotificationSettings settings, List<Mailbox> mailboxes, MutableClock clock) {
        return Bma.configure().inventory(Inventory.of(mailboxes)).ledgerDirectory(work.resolve("ledger"))
                .outputDirectory(work.resolve("out")).clock(clock).notifications(settings).load();
    }

    private static String raw(MimeMessage m) throws IOException, jakarta.mail.MessagingException {
        // Decoded bodies as well as the wire form: quoted-printable could split a password.
        return GreenMailUtil.getWholeMessage(m) + "\n" + decoded(m);
    }

    private static String decoded(MimeMessage m) throws IOException, jakarta.mail.MessagingException {
        jakarta.mail.Multipart mp = (jakarta.mail.Multipart) m.getContent();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < mp.getCount(); i++) {
            out.append(mp.getBodyPart(i).getContent()).append('\n');
        }
        return out.toString();
    }

    private static void assertNoPassword(String where, String text, List<String> passwords) {
        for (String p : passwords) {
            assertThat(text).as("a password leaked into " + where).doesNotContain(p);
        }
    }
}
