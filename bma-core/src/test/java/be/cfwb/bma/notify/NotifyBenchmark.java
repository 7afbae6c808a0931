package be.cfwb.bma.notify;

import be.cfwb.bma.Bma;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.notify.NotificationOutcome.Status;
import be.cfwb.bma.calendar.PlanningSettings;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Render + send throughput for 16,000 mails (4,000 mailboxes × 4) to a local SMTP sink
 * (GreenMail on loopback). Not part of the normal build (its name matches no surefire
 * pattern); run it with
 * {@code mvn -B -q -pl bma-core -am verify -Dtest=NotifyBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 * Figures go to docs/benchmarks/notify.md.
 *
 * <p>Three measurements in one JVM, one after the other, on the same mails:
 * <ol>
 *   <li>render only: templates + MIME bytes, nothing sent;</li>
 *   <li>baseline: the same rendered mails handed straight to {@link SmtpNotifier}, no ledger;</li>
 *   <li>the real thing: {@code Bma.notify} (plan lookup, order, pacing logic with the rate limit
 *       lifted, password issue for mail 2, ledger intent + result forced to disk, SMTP).</li>
 * </ol>
 */
class NotifyBenchmark {

    static final int MAILBOXES = 4_000;
    static final LocalDate MIGRATION = LocalDate.of(2024, 11, 18);

    @TempDir
    Path work;

    @Test
    void renderAndSend16000Mails() throws Exception {
        List<Mailbox> mailboxes = new ArrayList<>();
        List<MailboxSchedule> schedules = new ArrayList<>();
        for (int fase = 1; fase <= MAILBOXES; fase++) {
            BmaAddress a = BmaAddress.of(BmaKind.EC, fase);
            mailboxes.add(Mailbox.of(a, "École fondamentale n°" + fase + " « Les Tilleuls » & Cie"));
            schedules.add(TestSupport.schedule(a, MIGRATION));
        }
        NotificationLinks links = NotificationLinks.of("https://outlook.office.com/mail/", "https://e.be/t1", "https://e.be/t2");
        GreenMail sink = new GreenMail(ServerSetupTest.SMTP.createCopy("127.0.0.1").dynamicPort());
        sink.start();
        try {
            TestSupport.MutableClock clock = new TestSupport.MutableClock(
                    ZonedDateTime.of(2024, 11, 18, 6, 0, 0, 0, PlanningSettings.ZONE).toInstant());
            NotificationSettings settings = NotificationSettings.builder().links(links)
                    .notifier(new SmtpNotifier(SmtpSettings.loopback(sink.getSmtp().getPort())))
                    .credentialIssuer(new TestSupport.RecordingIssuer())
                    .rateLimit(new RateLimit(1_000_000, 1_000_000)).sleeper(d -> { })
                    .schedule(NotificationSchedule.of(schedules)).build();

            // 1. Render only, and keep the mails for the baseline.
            List<OutgoingMail> rendered = new ArrayList<>(MAILBOXES * 4);
            long t0 = System.nanoTime();
            long bytes = 0;
            TemplateSet templates = settings.templates();
            for (Mailbox m : mailboxes) {
                for (NotificationKind kind : NotificationKind.values()) {
                    TemplateSet.Rendered r = templates.render(kind, p -> switch (p) {
                        case NAME -> m.name();
                        case ADDRESS -> m.address().toString();
                        case PASSWORD -> "Xy7-benchmark-pw";
                        default -> p.key();
                    });
                    OutgoingMail mail = new OutgoingMail(kind, m.address(), settings.sender(kind.sender()), r.subject(),
                            r.text(), r.html(), MessageIds.of(m.address(), kind, "bench", 1),
                            clock.instant().atZone(PlanningSettings.ZONE));
                    bytes += mail.toMime().length;
                    rendered.add(mail);
                }
            }
            Duration render = Duration.ofNanos(System.nanoTime() - t0);

            // 2. Baseline: SMTP only.
            t0 = System.nanoTime();
            try (SmtpNotifier smtp = new SmtpNotifier(SmtpSettings.loopback(sink.getSmtp().getPort()))) {
                for (OutgoingMail mail : rendered) {
                    smtp.send(mail);
                }
            }
            Duration smtpOnly = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(sink.getReceivedMessages()).hasSize(rendered.size());
            sink.purgeEmailFromAllMailboxes();
            rendered.clear();

            // 3. The real run.
            Bma bma = Bma.configure().inventory(Inventory.of(mailboxes)).ledgerDirectory(work.resolve("ledger"))
                    .outputDirectory(work.resolve("out")).clock(clock).notifications(settings).load();
            t0 = System.nanoTime();
            NotifyResult result = bma.notify(MailboxSelection.all(), MIGRATION);
            Duration full = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(result.withStatus(Status.SENT)).hasSize(MAILBOXES * 4);
            assertThat(sink.getReceivedMessages()).hasSize(MAILBOXES * 4);

            // 4. The rerun that finds everything done.
            t0 = System.nanoTime();
            NotifyResult rerun = bma.notify(MailboxSelection.all(), MIGRATION);
            Duration again = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(rerun.withStatus(Status.SENT)).isEmpty();

            int n = MAILBOXES * 4;
            String report = String.join("\n",
                    String.format(Locale.ROOT, "mails: %d (%d mailboxes x 4), mean MIME size %d bytes", n, MAILBOXES, bytes / n),
                    line("render only (templates + MIME)", render, n),
                    line("baseline: SMTP send of pre-rendered mails", smtpOnly, n),
                    line("Bma.notify: render + issue + ledger + SMTP", full, n),
                    line("Bma.notify rerun (all already sent)", again, n),
                    String.format(Locale.ROOT, "ledger events written: %d", 2 * n + MAILBOXES),
                    "java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                            + " cpu, load average at the end " + java.lang.management.ManagementFactory
                            .getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println("NOTIFY BENCHMARK\n" + report);
            java.nio.file.Files.createDirectories(Path.of("target/benchmarks"));
            java.nio.file.Files.writeString(Path.of("target/benchmarks/notify.txt"), report + "\n");
        } finally {
            sink.stop();
        }
    }

    private static String line(String what, Duration d, int n) {
        double seconds = d.toNanos() / 1e9;
        return String.format(Locale.ROOT, "%-45s %8.2f s  %9.0f mails/s  %7.3f ms/mail", what, seconds, n / seconds,
                seconds * 1000 / n);
    }
}
