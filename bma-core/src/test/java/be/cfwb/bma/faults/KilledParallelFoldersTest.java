package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Process death while a mailbox's folders are copied over four connections at once: the child
 * ({@link KilledParallelFoldersChild}) is killed with SIGKILL halfway through an APPEND while the
 * other connections are copying other folders; a rerun (also over four connections) completes,
 * and every message is on the target exactly once with its bytes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KilledParallelFoldersTest {

    private static final int FOLDERS = 8;
    private static final int PER_FOLDER = 6;

    private GreenMailFixture oldServer;
    private GreenMailFixture newServer;
    private FaultHarness h;
    @TempDir
    Path temp;

    @BeforeAll
    void start() {
        oldServer = GreenMailFixture.start();
        newServer = GreenMailFixture.start();
        h = new FaultHarness(oldServer, newServer);
    }

    @AfterAll
    void stop() {
        oldServer.close();
        newServer.close();
    }

    @Test
    void killedWhileFourConnectionsCopyThenRerunLosesAndDuplicatesNothing() throws Exception {
        BmaAddress a = h.newMailbox();
        List<FolderPath> folders = new ArrayList<>();
        try (MailboxSeeder s = h.seeder(a)) {
            for (int f = 0; f < FOLDERS; f++) {
                FolderPath folder = f == 0 ? FolderPath.inbox() : FolderPath.of("Dossier " + f);
                folders.add(folder);
                for (int i = 0; i < PER_FOLDER; i++) {
                    s.append(folder, TestMessage.builder().subject("f" + f + " m" + i).messageId("f" + f + "m" + i + "@x")
                            .attachment(8_000, f * 10L + i).build(), flags(),
                            Instant.parse("2024-10-01T08:00:00Z").plusSeconds(f * 10L + i));
                }
            }
        }
        Path ledgerDir = temp.resolve("ledger");
        Path spool = temp.resolve("spool");
        // SIGKILL at the 20th APPEND while the other connections copy on
        KillPoint.killAt("append", KilledParallelFoldersChild.class, Integer.toString(oldServer.imapPort()),
                Integer.toString(newServer.imapPort()), ledgerDir.toString(), spool.toString(), a.toString(), "20");
        List<Integer> copies = KillPoint.settled(() -> copies(a, folders));
        int before = copies.stream().mapToInt(Integer::intValue).sum();
        long foldersStarted = copies.stream().filter(n -> n > 0).count();
        int total = FOLDERS * PER_FOLDER;
        // 19 APPENDs began before the frozen one; the other three connections may have had one each under way
        assertThat(before).as("copies before the kill").isBetween(16, total - 1);
        assertThat(foldersStarted).as("several folders under way at once").isGreaterThan(1);

        TransferReport rerun;
        try (Ledger ledger = Ledger.open(ledgerDir, FaultHarness.CLOCK)) {
            rerun = FaultHarness.run(h.settings(spool).connectionsPerMailbox(4).furtherConnectionsFrom(Duration.ZERO).build(), ledger, Pass.PRESTAGE, a);
        }

        assertThat(rerun.isComplete()).as(rerun.summary()).isTrue();
        assertThat(rerun.copied() + rerun.alreadyPresent()).isEqualTo(total);
        assertThat(rerun.copied()).as("only what the killed run had not stored").isEqualTo(total - before);
        h.assertVerified(temp, a);
        for (FolderPath f : folders) {
            assertThat(h.assertCopiedByteForByte(a, f)).isEqualTo(PER_FOLDER);
        }
    }

    /** The copies on the target in each of {@code folders}, 0 where the folder is not made yet. */
    private List<Integer> copies(BmaAddress a, List<FolderPath> folders) {
        try (MailboxInspector neu = h.newBox(a)) {
            return folders.stream().map(f -> neu.folders().contains(f) ? neu.messages(f).size() : 0).toList();
        }
    }
}
