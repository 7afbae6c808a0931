package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash safety of a folder's copy shared by two connections: a pre-stage in a child JVM
 * ({@link KilledSharedCopyChild}) is killed with SIGKILL halfway through an APPEND of the INBOX's
 * upper part, on the second connection, while the first copies the lower part on; a rerun
 * completes, and every message is on the target exactly once with its bytes.
 */
class KilledSharedCopyTest extends GreenMailPairTestBase {

    private static final int LARGE = 60;
    private static final FolderPath SMALL = FolderPath.of("Petit");

    @Test
    void killedWhileTwoConnectionsShareTheInboxThenRerunLosesAndDuplicatesNothing() throws Exception {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < LARGE; i++) {
                s.append(FolderPath.inbox(), TestMessage.builder().subject("m" + i).messageId("m" + i + "@x")
                        .attachment(200_000, i).build(), flags(i % 2 == 0 ? "\\Seen" : "\\Flagged"),
                        Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
            s.append(SMALL, TestMessage.builder().subject("petit").messageId("petit@x").build(), flags(),
                    Instant.parse("2024-10-02T08:00:00Z"));
        }
        Path ledgerDir = temp.resolve("killed-run-ledger"); // the child's, apart from the class's own
        Path spool = temp.resolve("spool");
        // SIGKILL at the upper part's 5th APPEND, the lower part's copy under way beside it
        KillPoint.killAt("append", KilledSharedCopyChild.class, Integer.toString(oldServer.imapPort()),
                Integer.toString(newServer.imapPort()), ledgerDir.toString(), spool.toString(), a.toString(), "5");
        int before = KillPoint.settled(() -> {
            try (MailboxInspector neu = h.newBox(a)) {
                return neu.messages(FolderPath.inbox()).size();
            }
        });
        assertThat(before).as("the INBOX's copies before the kill, from both parts").isBetween(5, LARGE - 1);

        TransferReport rerun;
        try (Ledger killed = Ledger.open(ledgerDir, FaultHarness.CLOCK)) {
            rerun = FaultHarness.run(h.settings(spool).connectionsPerMailbox(2).furtherConnectionsFrom(Duration.ZERO).build(),
                    killed, Pass.PRESTAGE, a);
        }

        assertThat(rerun.isComplete()).as(rerun.summary()).isTrue();
        FolderCounts counts = FolderCounts.of(rerun, FolderPath.inbox());
        assertThat(counts.copied() + counts.present()).isEqualTo(LARGE);
        assertThat(counts.copied()).as("only what the killed run had not stored").isEqualTo(LARGE - before);
        assertThat(h.assertCopiedByteForByte(a, FolderPath.inbox())).isEqualTo(LARGE);
        assertThat(h.assertCopiedByteForByte(a, SMALL)).isEqualTo(1);
        h.assertVerified(temp, a);
    }

    /** One folder's numbers in a report. */
    private record FolderCounts(int copied, int present) {
        static FolderCounts of(TransferReport r, FolderPath folder) {
            return r.mailboxes().get(0).folders().stream().filter(f -> f.source().equals(folder))
                    .map(f -> new FolderCounts(f.copied(), f.alreadyPresent())).findFirst().orElseThrow();
        }
    }
}
