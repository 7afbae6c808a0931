package be.cfwb.bma.notify;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaConfiguration;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.EventTypes;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.cutover.CutoverOutcome;
import be.cfwb.bma.cutover.CutoverResult;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.lifecycle.RunListener;
import be.cfwb.bma.notify.NotificationOutcome.Status;
import be.cfwb.bma.notify.TestSupport.ClockSleeper;
import be.cfwb.bma.notify.TestSupport.MutableClock;
import be.cfwb.bma.notify.TestSupport.RecordingIssuer;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;
import be.cfwb.bma.calendar.PlanningSettings;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What keeps ops from doing the irreversible by mistake, against real servers: GreenMail as the
 * old server (SMTP delivering into the old mailboxes, IMAP to look there) and a second GreenMail
 * as the new mailboxes, which a wrongly chosen relay (Exchange Online once the target mailbox
 * exists) delivers to instead.
 */
class OpsSafeguardsTest {

    static final BmaAddress EC = BmaAddress.parse("ec001394@adm.cfwb.be");
    static final LocalDate MIGRATION = LocalDate.of(2024, 11, 4);
    static final NotificationLinks LINKS = NotificationLinks.of("https://outlook.office.com/mail/",
            "https://enseignement.be/t1", "https://enseignement.be/t2");

    @TempDir
    Path work;
    GreenMail oldServer;
    GreenMail newServer;
    MutableClock clock;
    ClockSleeper sleeper;
    RecordingIssuer issuer;

    @BeforeEach
    void servers() {
        oldServer = greenMail();
        newServer = greenMail();
        oldServer.setUser(EC.toString(), EC.toString(), "old-password");
        newServer.setUser(EC.toString(), EC.toString(), "old-password");
        clock = new MutableClock(ZonedDateTime.of(2024, 11, 4, 9, 0, 0, 0, PlanningSettings.ZONE).toInstant());
        sleeper = new ClockSleeper(clock);
        issuer = new RecordingIssuer();
    }

    @AfterEach
    void stop() {
        oldServer.stop();
        newServer.stop();
    }

    @Test
    void aMailDueAtSevenIsNotSentAtSixFiftyNineAndIsAtSeven() throws Exception {
        clock = new MutableClock(ZonedDateTime.of(2024, 11, 4, 6, 59, 0, 0, PlanningSettings.ZONE).toInstant());
        Bma bma = configure(oldServer, false).load();

        NotifyResult early = bma.notify(MailboxSelection.all(), MIGRATION);

        assertThat(early.outcomes()).extracting(NotificationOutcome::kind, NotificationOutcome::status).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(NotificationKind.MAIL1, Status.SENT),
                org.assertj.core.groups.Tuple.tuple(NotificationKind.MAIL2, Status.WAITING));
        assertThat(early.isSuccess()).isTrue();
        assertThat(early.waiting()).singleElement().satisfies(o -> assertThat(o.detail()).contains("07:00"));
        assertThat(oldServer.getReceivedMessages()).hasSize(1);
        assertThat(issuer.issued).as("no password is reset before mail 2's time").isEmpty();

        clock.advance(Duration.ofMinutes(1));
        NotifyResult onTime = bma.notify(MailboxSelection.all(), MIGRATION);

        assertThat(onTime.withStatus(Status.SENT)).extracting(NotificationOutcome::kind).containsExactly(NotificationKind.MAIL2);
        assertThat(onTime.waiting()).extracting(NotificationOutcome::kind).containsExactly(NotificationKind.MAIL3);
        assertThat(oldServer.getReceivedMessages()).hasSize(2);
    }

    @Test
    void tomorrowIsRefusedByNotifyAndRunNamingBmaDateAndNothingIsSentOrRecorded() throws Exception {
        Bma bma = configure(oldServer, false).load();
        LocalDate tomorrow = MIGRATION.plusDays(1);

        assertThatThrownBy(() -> bma.notify(MailboxSelection.all(), tomorrow)).isInstanceOf(BmaException.class)
                .hasMessageContaining("bma.date 2024-11-05 is after today (2024-11-04")
                .hasMessageContaining("bma.allowFutureDate=true");
        assertThatThrownBy(() -> bma.run(tomorrow, MailboxSelection.all(), Optional.empty(), RunListener.NONE))
                .isInstanceOf(BmaException.class).hasMessageContaining("bma.date 2024-11-05 is after today");

        assertThat(oldServer.getReceivedMessages()).isEmpty();
        assertThat(issuer.issued).isEmpty();
        assertThat(work.resolve("ledger/ledger.jsonl")).satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(), p -> assertThat(Files.size(p)).isZero());
        // A dry run sends nothing, so it may look ahead; and the key lets ops act for tomorrow on purpose.
        assertThat(bma.notify(MailboxSelection.all(), tomorrow, true).withStatus(Status.RENDERED)).hasSize(4);
        Bma ahead = configure(oldServer, false).properties(Map.of("bma.allowFutureDate", "true")).load();
        assertThat(ahead.notify(MailboxSelection.all(), tomorrow).withStatus(Status.SENT)).hasSize(4);
    }

    @Test
    void mailsDeliveredToTheOldMailboxAreRecordedWithTheirFolderAndTheCutoverGoesAhead() {
        Bma bma = configure(oldServer, true).load();

        NotifyResult result = bma.notify(MailboxSelection.all(), MIGRATION);

        assertThat(result.withStatus(Status.SENT)).hasSize(4);
        DeliveryResult delivery = result.delivery().orElseThrow();
        assertThat(delivery.outcomes()).hasSize(4).allSatisfy(o -> {
            assertThat(o.status()).isEqualTo(DeliveryOutcome.Status.DELIVERED);
            assertThat(o.folder()).contains("INBOX");
        });
        List<LedgerEvent> delivered = events(EventTypes.MAIL_DELIVERED);
        assertThat(delivered).extracting(e -> e.get("mail").orElseThrow()).containsExactly("1", "2", "3", "4");
        assertThat(delivered).allSatisfy(e -> assertThat(e.get("folder")).contains("INBOX"));
        assertThat(delivered.get(3).get("message_id")).isEqualTo(events(EventTypes.MAIL_SENT).get(3).get("message_id"));

        CutoverResult cutover = bma.cutover(MailboxSelection.all(), Optional.empty(), false);

        assertThat(cutover.outcomes()).singleElement().satisfies(o -> assertThat(o.status())
                .isEqualTo(CutoverOutcome.Status.RECORDED));
        // Found once, recorded once: a second look does not record it again.
        assertThat(bma.checkDelivery(MailboxSelection.all()).withStatus(DeliveryOutcome.Status.ALREADY_DELIVERED)).hasSize(4);
        assertThat(events(EventTypes.MAIL_DELIVERED)).hasSize(4);
    }

    @Test
    void aRelayThatDeliversToTheNewMailboxLeavesTheMailsUnconfirmedAndTheCutoverRefused() {
        Bma bma = configure(newServer, true).load();

        NotifyResult result = bma.notify(MailboxSelection.all(), MIGRATION);

        assertThat(result.withStatus(Status.SENT)).hasSize(4);
        assertThat(newServer.getReceivedMessages()).as("the relay put them in the new mailbox").hasSize(4);
        assertThat(result.delivery().orElseThrow().pending()).hasSize(4);
        CutoverResult waiting = bma.cutover(MailboxSelection.all(), Optional.empty(), false);
        assertThat(waiting.outcomes()).singleElement().satisfies(o -> assertThat(o.status())
                .isEqualTo(CutoverOutcome.Status.AWAITING_MAIL4));
        assertThat(waiting.isDoneExceptWaiting()).isTrue();

        clock.advance(Duration.ofMinutes(31));
        DeliveryResult late = bma.checkDelivery(MailboxSelection.all());
        CutoverResult refused = bma.cutover(MailboxSelection.all(), Optional.empty(), false);

        assertThat(late.unconfirmed()).hasSize(4);
        assertThat(late.isSuccess()).isFalse();
        assertThat(refused.isSuccess()).isFalse();
        assertThat(refused.isDoneExceptWaiting()).isFalse();
        assertThat(refused.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(CutoverOutcome.Status.MAIL4_UNCONFIRMED);
            assertThat(o.detail()).contains("mail 4 <bma.mail4.ec001394").contains("not in the old mailbox")
                    .contains("cutover refused");
        });
        assertThat(events(EventTypes.MAIL_DELIVERED)).isEmpty();
        assertThat(events(EventTypes.CUTOVER_RECORDED)).isEmpty();
    }

    @Test
    void theMail4ConfirmationCanBeSwitchedOff() {
        Bma bma = configure(newServer, true).properties(Map.of("bma.cutover.requireMail4Delivered", "false")).load();
        bma.notify(MailboxSelection.all(), MIGRATION);

        assertThat(bma.cutover(MailboxSelection.all(), Optional.empty(), false).isSuccess()).isTrue();
    }

    @Test
    void aSafeguardValueThatIsNotUnderstoodIsRefusedNamingItsKey() {
        assertThatThrownBy(() -> configure(oldServer, false).properties(Map.of("bma.allowFutureDate", "yes")))
                .isInstanceOf(BmaException.class).hasMessage("bma.allowFutureDate 'yes' is neither true nor false");
        assertThatThrownBy(() -> configure(oldServer, false).properties(Map.of("bma.delivery.waitMinutes", "half an hour")))
                .isInstanceOf(BmaException.class)
                .hasMessage("bma.delivery.waitMinutes 'half an hour' is not a whole number of minutes, e.g. 30");
        assertThatThrownBy(() -> configure(oldServer, false).properties(Map.of("bma.cutover.requireMail4Delivered", "true"))
                .load().cutover(MailboxSelection.all(), Optional.empty(), false)).isInstanceOf(BmaException.class)
                .hasMessageContaining("bma.cutover.requireMail4Delivered=true needs the old server");
    }

    /** Mail 1 weeks ahead, then mails 2 to 4 on the morning itself at 07:00, 07:30 and 08:00, as planned. */
    static MailboxSchedule schedule() {
        Map<NotificationKind, LocalDateTime> due = new EnumMap<>(NotificationKind.class);
        due.put(NotificationKind.MAIL1, MIGRATION.minusDays(7).atTime(9, 0));
        due.put(NotificationKind.MAIL2, MIGRATION.atTime(7, 0));
        due.put(NotificationKind.MAIL3, MIGRATION.atTime(7, 30));
        due.put(NotificationKind.MAIL4, MIGRATION.atTime(8, 0));
        return new MailboxSchedule(EC, MIGRATION, MIGRATION, due, "plan-2024-10-01");
    }

    /** Mails submitted to {@code relay}'s SMTP; the old server (and the target) known when {@code withServers}. */
    BmaConfiguration configure(GreenMail relay, boolean withServers) {
        NotificationSettings notifications = NotificationSettings.builder().links(LINKS)
                .notifier(new SmtpNotifier(SmtpSettings.loopback(relay.getSmtp().getPort()), sleeper))
                .credentialIssuer(issuer).sleeper(sleeper)
                .schedule(NotificationSchedule.of(List.of(schedule()))).build();
        BmaConfiguration configuration = Bma.configure().inventory(Inventory.of(List.of(Mailbox.of(EC, "École"))))
                .ledgerDirectory(work.resolve("ledger")).outputDirectory(work.resolve("out")).clock(clock)
                .notifications(notifications);
        if (withServers) {
            be.cfwb.bma.credentials.CredentialSource logins = m -> new MailboxCredentials.Password(m.toString(),
                    Secret.of("old-password"));
            configuration.transfer(TransferSettings.builder().imapSource(endpoint(oldServer), logins, clock)
                    .imapTarget(endpoint(newServer), logins, clock).spoolDirectory(work).build());
        }
        return configuration;
    }

    List<LedgerEvent> events(String type) {
        try (Ledger ledger = Ledger.open(work.resolve("ledger"), clock)) {
            return ledger.events(e -> e.type().equals(type));
        }
    }

    static GreenMail greenMail() {
        GreenMail server = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)});
        server.start();
        return server;
    }

    static ImapEndpoint endpoint(GreenMail server) {
        return ImapEndpoint.parse("imap://127.0.0.1:" + server.getImap().getPort(), "GreenMail");
    }
}
