package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.testing.net.LatencyRelay;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one request read from the old server goes to a MULTIAPPEND target in one APPEND: the
 * reader spools the whole read before handing it over, so the writer, woken by its first
 * message, does not APPEND that one alone and wait a round trip for its answer before the rest.
 */
@RequiresDovecot
class AppendBatchesTest extends TwoDovecotsTestBase {

    /** Small enough to be read in one request (2 MB at most), large enough to be spooled to disk (64 KB up). */
    private static final int MESSAGES = 12;
    private static final int ATTACHMENT = 90_000;

    @Test
    void aFolderReadInOneRequestIsAppendedInOne() throws Exception {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < MESSAGES; i++) {
                s.append(FolderPath.inbox(), TestMessage.builder().subject("batch " + i).messageId("ab" + i + "@x")
                                .attachment(ATTACHMENT, i).build(), i % 2 == 0 ? flags("\\Seen") : flags(),
                        Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
        }
        TransferReport report;
        try (LatencyRelay wan = LatencyRelay.start(newServer.server().imapPort(), Duration.ofMillis(40));
             CommandWatchingRelay target = CommandWatchingRelay.to(wan.port(), "APPEND")) {
            report = FaultHarness.run(FaultHarness.settings(oldServer.imapEndpoint(),
                            ImapEndpoint.parse("imap://127.0.0.1:" + target.port(), "watched target"), temp.resolve("spool"))
                    .parallelism(1).connectionsPerMailbox(1).build(), ledger, Pass.PRESTAGE, a);

            assertThat(target.sent()).as("APPENDs for %d messages read in one request", MESSAGES).isEqualTo(1);
        }
        assertThat(report.copied()).as(report.summary()).isEqualTo(MESSAGES);
        h.assertVerified(temp, a);
        assertThat(h.assertCopiedByteForByte(a, FolderPath.inbox())).isEqualTo(MESSAGES);
    }
}
