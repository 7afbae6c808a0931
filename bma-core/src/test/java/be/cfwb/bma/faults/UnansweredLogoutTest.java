package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A session ends with LOGOUT sent and the connection closed, without waiting for the server's
 * answer: nothing depends on it, and the wait is a round trip per connection. Shown with servers
 * that never answer LOGOUT and a minute's read timeout: waiting would hold every connection that
 * long, the pass is done in seconds, and its copies are whole.
 */
@RequiresDovecot
class UnansweredLogoutTest extends TwoDovecotsTestBase {

    private static final Duration PATIENT = Duration.ofMinutes(1);

    @Test
    void aPassEndsWithoutWaitingForTheServersAnswersToLogout() throws Exception {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < 3; i++) {
                s.append(i == 0 ? FolderPath.inbox() : FolderPath.of("Archives"), TestMessage.builder()
                                .subject("logout-" + i).messageId("logout-" + i + "@logout.test").build(),
                        flags("\\Seen"), Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
        }
        try (ThrottlingImapProxy source = ThrottlingImapProxy.to(oldServer.server().imapPort());
             ThrottlingImapProxy target = ThrottlingImapProxy.to(newServer.server().imapPort())) {
            source.storm(ThrottlingImapProxy.Storm.of(-1, Duration.ZERO, "LOGOUT").unanswered());
            target.storm(ThrottlingImapProxy.Storm.of(-1, Duration.ZERO, "LOGOUT").unanswered());
            ImapEndpoint from = ImapEndpoint.parse("imap://127.0.0.1:" + source.port(), "silent source");
            ImapEndpoint to = ImapEndpoint.parse("imap://127.0.0.1:" + target.port(), "silent target");
            TransferSettings settings = FaultHarness.settings(from, to, temp.resolve("spool"))
                    .imapSource(from.withTimeout(PATIENT), FaultHarness.passwords(), FaultHarness.CLOCK)
                    .imapTarget(to.withTimeout(PATIENT), FaultHarness.passwords(), FaultHarness.CLOCK)
                    .parallelism(1).connectionsPerMailbox(2).build();

            TransferReport report = assertTimeoutPreemptively(PATIENT.dividedBy(4),
                    () -> FaultHarness.run(settings, ledger, Pass.PRESTAGE, a));

            source.awaitQuiet(Duration.ofSeconds(10));
            target.awaitQuiet(Duration.ofSeconds(10));
            assertThat(report.isComplete()).as(report.summary()).isTrue();
            assertThat(report.copied()).isEqualTo(3);
            assertThat(source.swallowed()).as("LOGOUTs the old server left unanswered").isPositive();
            assertThat(target.swallowed()).as("LOGOUTs the new server left unanswered").isPositive();
        }
        h.assertVerified(temp, a);
        h.assertCopiedByteForByte(a, FolderPath.of("Archives"));
    }
}
