package be.cfwb.bma.notify;

import be.cfwb.bma.retry.Sleeper;
import be.cfwb.bma.Bma;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlanningSettings;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process {@link KilledRunTest} kills: a real notification run, paced at 20 ms a mail,
 * printing {@code SENT n} after each hand-over so the parent knows when to pull the plug.
 */
public final class KilledRunChild {

    static final LocalDate MIGRATION = LocalDate.of(2024, 11, 20);
    static final int MAILBOXES = 6;

    private KilledRunChild() {
    }

    static List<Mailbox> mailboxes() {
        List<Mailbox> list = new ArrayList<>();
        for (int i = 0; i < MAILBOXES; i++) {
            list.add(Mailbox.of(BmaAddress.of(BmaKind.EC, 4000 + i), "École " + i));
        }
        return list;
    }

    static NotificationSettings.Builder settings(Notifier notifier) {
        List<MailboxSchedule> schedules = mailboxes().stream().map(m -> TestSupport.schedule(m.address(), MIGRATION)).toList();
        return NotificationSettings.builder()
                .links(NotificationLinks.of("https://outlook.office.com/mail/", "https://e.be/1", "https://e.be/2"))
                .notifier(notifier).credentialIssuer(new TestSupport.RecordingIssuer())
                .schedule(NotificationSchedule.of(schedules));
    }

    static Bma bma(NotificationSettings settings, Path work) {
        Clock clock = Clock.fixed(ZonedDateTime.of(2024, 11, 20, 10, 0, 0, 0, PlanningSettings.ZONE).toInstant(),
                PlanningSettings.ZONE);
        return Bma.configure().inventory(Inventory.of(mailboxes())).ledgerDirectory(work.resolve("ledger"))
                .outputDirectory(work.resolve("out")).clock(clock).notifications(settings).load();
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Path work = Path.of(args[1]);
        SmtpNotifier smtp = new SmtpNotifier(SmtpSettings.loopback(port));
        AtomicInteger sent = new AtomicInteger();
        Notifier announcing = new Notifier() {
            @Override
            public void send(OutgoingMail mail) {
                smtp.send(mail);
                System.out.println("SENT " + sent.incrementAndGet());
                System.out.flush();
            }

            @Override
            public String description() {
                return smtp.description();
            }

            @Override
            public void close() {
                smtp.close();
            }
        };
        // A real sleeper and a real clock for pacing: the kill lands wherever the process happens to be.
        NotificationSettings settings = settings(announcing).rateLimit(new RateLimit(3_000, 100_000))
                .sleeper(Sleeper.system()).build();
        Clock real = Clock.system(PlanningSettings.ZONE);
        Bma.configure().inventory(Inventory.of(mailboxes())).ledgerDirectory(work.resolve("ledger"))
                .outputDirectory(work.resolve("out")).clock(real).notifications(settings).load()
                .notify(MailboxSelection.all(), MIGRATION);
        System.out.println("DONE");
    }
}
