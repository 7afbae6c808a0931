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
import java.util.List;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a large message is read from the old server over a WAN: in blocks asked ahead, its first
 * blocks together, as many as its size by the folder's listing takes; not its first block alone
 * to learn the size, a round trip more per large message.
 */
@RequiresDovecot
class LargeMessageBlocksTest extends TwoDovecotsTestBase {

    /** Blocks asked ahead at most ({@code BodyStream.WINDOW}). */
    private static final int WINDOW = 8;

    @Test
    void aLargeMessagesFirstBlocksAreAskedTogether() throws Exception {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            // About 4 MB once encoded: 16 blocks, more than the window.
            s.append(FolderPath.inbox(), TestMessage.builder().subject("grand").messageId("lmb-1@x")
                    .attachment(3_000_000, 7).build(), flags("\\Seen"), Instant.parse("2024-10-01T08:00:00Z"));
        }
        TransferReport first;
        List<CommandWatchingRelay.Watched> asks;
        try (LatencyRelay wan = LatencyRelay.start(oldServer.server().imapPort(), Duration.ofMillis(40));
             CommandWatchingRelay source = CommandWatchingRelay.to(wan.port(), "UID")) {
            first = FaultHarness.run(FaultHarness.settings(ImapEndpoint.parse("imap://127.0.0.1:" + source.port(),
                    "watched source"), newServer.imapEndpoint(), temp.resolve("spool")).build(), ledger, Pass.PRESTAGE, a);
            asks = source.watched().stream().filter(w -> w.line().contains("BODY.PEEK[]<")).toList();
        }

        assertThat(first.copied()).as(first.summary()).isEqualTo(1);
        assertThat(asks).as("blocks asked").hasSizeGreaterThan(WINDOW);
        long firstAnswered = asks.get(0).answeredNanos();
        assertThat(asks).as("blocks asked before the first was answered")
                .filteredOn(w -> w.sentNanos() < firstAnswered).hasSize(WINDOW);
        h.assertVerified(temp, a);
        assertThat(h.assertCopiedByteForByte(a, FolderPath.inbox())).isEqualTo(1);
    }
}
