package be.cfwb.bma.notify;

import be.cfwb.bma.Bma;
import be.cfwb.bma.EventTypes;
import be.cfwb.bma.PlanResult;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.notify.NotificationOutcome.Status;
import be.cfwb.bma.calendar.PlanningSettings;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code Bma.notify} without an explicit schedule follows the plan {@code Bma.plan} makes, and feeds it back. */
class PlanWiringTest {

    @RegisterExtension
    static final GreenMailExtension GREENMAIL = new GreenMailExtension(ServerSetupTest.SMTP.createCopy("127.0.0.1")
            .dynamicPort()).withPerMethodLifecycle(true);

    @TempDir
    Path work;

    @Test
    void notifyFollowsThePlanAndMail1CommitsTheDate() throws Exception {
        List<Mailbox> mailboxes = List.of(Mailbox.of(BmaAddress.of(BmaKind.EC, 1001), "École A"),
                Mailbox.of(BmaAddress.of(BmaKind.EC, 1002), "École B"), Mailbox.of(BmaAddress.of(BmaKind.PO, 500), "PO C"));
        TestSupport.MutableClock clock = new TestSupport.MutableClock(
                ZonedDateTime.of(2024, 9, 30, 12, 0, 0, 0, PlanningSettings.ZONE).toInstant());
        TestSupport.RecordingIssuer issuer = new TestSupport.RecordingIssuer();
        NotificationSettings settings = NotificationSettings.builder()
                .links(NotificationLinks.of("https://outlook.office.com/mail/", "https://e.be/1", "https://e.be/2"))
                .notifier(new SmtpNotifier(SmtpSettings.loopback(GREENMAIL.getSmtp().getPort())))
                .credentialIssuer(issuer).sleeper(new TestSupport.ClockSleeper(clock))
                .rateLimit(new RateLimit(600, 10_000)).build();
        Bma bma = Bma.configure().inventory(Inventory.of(mailboxes)).ledgerDirectory(work.resolve("ledger"))
                .outputDirectory(work.resolve("out")).clock(clock).allowFutureDate(true).notifications(settings).load();

        PlanResult planned = bma.plan(MailboxSelection.all());
        PlannedMailbox ec = planned.plan().find(BmaAddress.of(BmaKind.EC, 1001)).orElseThrow();

        NotifyResult mail1 = bma.notify(MailboxSelection.parse("ec001001"), ec.mailDate(1));
        assertThat(mail1.withStatus(Status.SENT)).singleElement().satisfies(o -> {
            assertThat(o.kind()).isEqualTo(NotificationKind.MAIL1);
            assertThat(o.dueAt()).isEqualTo(ec.mailAt(1));
            assertThat(o.late()).isFalse();
        });
        assertThat(GREENMAIL.getReceivedMessages()[0].getSubject())
                .endsWith(be.cfwb.bma.internal.FrenchDates.format(ec.migrationDate()));
        try (Ledger ledger = Ledger.open(work.resolve("ledger"))) {
            LedgerEvent sent = ledger.latest(ec.address(), EventTypes.MAIL_SENT).orElseThrow();
            assertThat(sent.get("migration_date")).contains(ec.migrationDate().toString());
        }

        // Re-planning keeps the announced date.
        PlannedMailbox again = bma.plan(MailboxSelection.all()).plan().find(ec.address()).orElseThrow();
        assertThat(again.migrationDate()).isEqualTo(ec.migrationDate());
        assertThat(again.isAnnounced()).isTrue();

        // On the migration day the rest follows, in order, late ones flagged.
        NotifyResult rest = bma.notify(MailboxSelection.parse("ec001001"), ec.mailDate(4));
        assertThat(rest.withStatus(Status.SENT)).extracting(NotificationOutcome::kind)
                .containsExactly(NotificationKind.MAIL2, NotificationKind.MAIL3, NotificationKind.MAIL4);
        assertThat(rest.outcomes()).allSatisfy(o -> assertThat(o.late()).isEqualTo(o.dueAt().toLocalDate().isBefore(ec.mailDate(4))));
        assertThat(rest.withStatus(Status.SENT)).extracting(NotificationOutcome::messageId)
                .allSatisfy(id -> assertThat(id).contains(ec.migrationDate().toString().replace("-", "")));
        assertThat(GREENMAIL.getReceivedMessages()).hasSize(4);
        assertThat(issuer.issued).containsOnlyKeys(ec.address());
    }
}
