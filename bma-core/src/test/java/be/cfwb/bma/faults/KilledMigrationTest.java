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
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Process death: a pre-stage in a child JVM ({@link KilledMigrationChild}) is killed with
 * SIGKILL during a FETCH, during an APPEND, and between an APPEND and its ledger record; a
 * rerun in this JVM then completes, and the Verifier finds every message exactly once with
 * its bytes: no loss, no duplicate, no half-written copy; and the spool files the killed child
 * left are swept by the rerun.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KilledMigrationTest {

    private static final int COUNT = 6;

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

    @ParameterizedTest
    @ValueSource(strings = {"fetch", "append", "ledger"})
    void killedThenRerunLosesAndDuplicatesNothing(String point) throws Exception {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < COUNT; i++) {
                s.append(FolderPath.inbox(), TestMessage.builder().subject("m" + i).messageId("k" + i + "@x")
                        .attachment(8_000, i).build(), flags(), Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
        }
        Path ledgerDir = temp.resolve("ledger-" + point);
        KillPoint.killAt(point, KilledMigrationChild.class, Integer.toString(oldServer.imapPort()),
                Integer.toString(newServer.imapPort()), ledgerDir.toString(), temp.resolve("spool").toString(), point,
                a.toString());
        int before = KillPoint.settled(() -> {
            try (MailboxInspector neu = h.newBox(a)) {
                return neu.messages(FolderPath.inbox()).size();
            }
        });
        // The engine reads ahead of its APPENDs: frozen on the third FETCH, the first APPEND may not
        // have finished yet (seen once the servers answered faster), the second may still be running.
        assertThat(before).as("copies before the kill")
                .isBetween(point.equals("fetch") ? 0 : point.equals("ledger") ? 3 : 2, point.equals("ledger") ? 3 : 2);

        Path spool = temp.resolve("spool");
        List<Path> left = spoolFiles(spool);
        assertThat(left).as("messages the killed child had spooled to disk (threshold 1 kB)").isNotEmpty();

        TransferReport rerun;
        try (Ledger ledger = Ledger.open(ledgerDir, FaultHarness.CLOCK)) {
            rerun = FaultHarness.run(h.settings(spool).build(), ledger, Pass.PRESTAGE, a);
        }
        assertThat(spoolFiles(spool)).as("what the killed run spooled is swept by the next").doesNotContainAnyElementsOf(left)
                .isEmpty();

        assertThat(rerun.isComplete()).as(rerun.summary()).isTrue();
        assertThat(rerun.copied() + rerun.alreadyPresent()).isEqualTo(COUNT);
        assertThat(rerun.copied()).as("only what the killed run had not stored").isEqualTo(COUNT - before);
        h.assertVerified(temp, a);
        assertThat(h.assertCopiedByteForByte(a, FolderPath.inbox())).isEqualTo(COUNT);
    }

    /** The spooled messages under {@code spool}, in any process's directory. */
    private static List<Path> spoolFiles(Path spool) throws IOException {
        if (!Files.exists(spool)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(spool)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".eml")).toList();
        }
    }
}
