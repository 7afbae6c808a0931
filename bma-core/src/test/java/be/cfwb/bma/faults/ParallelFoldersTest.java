package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.transfer.FolderMapping;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.FolderReport;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mailbox of many folders copied over four connections at once (Dovecot to Dovecot): every
 * message copied exactly once with its bytes, the folders reported in the mapping's order as
 * with one connection, and the reruns (pre-stage and final, also over four) copy nothing.
 */
@RequiresDovecot
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParallelFoldersTest {

    private DovecotFixture oldServer;
    private DovecotFixture newServer;
    private FaultHarness h;
    @TempDir
    Path temp;

    @BeforeAll
    void start() {
        oldServer = DovecotFixture.start(HierarchyStyle.SLASH);
        newServer = DovecotFixture.start(HierarchyStyle.SLASH);
        h = new FaultHarness(oldServer, newServer);
    }

    @AfterAll
    void stop() {
        if (oldServer != null) {
            oldServer.close();
        }
        if (newServer != null) {
            newServer.close();
        }
    }

    @Test
    void manyFoldersOverFourConnectionsAreCopiedExactlyOnceAndReportedInTheMappingsOrder() {
        BmaAddress a = h.newMailbox();
        List<FolderPath> folders = new ArrayList<>(List.of(FolderPath.inbox()));
        for (int i = 0; i < 14; i++) {
            folders.add(i % 3 == 2 ? FolderPath.of("Projets", "p" + i) : FolderPath.of("Dossier " + i));
        }
        int total = 0;
        try (MailboxSeeder s = h.seeder(a)) {
            for (int f = 0; f < folders.size(); f++) {
                // uneven folders, so that the largest-first order matters and a folder waits for none
                int n = f == 3 ? 40 : 1 + f % 5;
                for (int i = 0; i < n; i++) {
                    s.append(folders.get(f), TestMessage.builder().subject("f" + f + " m" + i).messageId("f" + f + "m" + i + "@x")
                            .attachment(2_000 + 500 * i, f * 100L + i).build(), flags(i % 2 == 0 ? "\\Seen" : "\\Flagged"),
                            Instant.parse("2024-10-01T08:00:00Z").plusSeconds(f * 100L + i));
                    total++;
                }
            }
        }
        AtomicInteger sourcesOpened = new AtomicInteger();
        Set<String> copyingThreads = Collections.synchronizedSet(new HashSet<>());
        TransferListener threads = new TransferListener() {
            @Override
            public void folderStarted(BmaAddress mailbox, FolderMapping mapping, int listed, int toCopy) {
                copyingThreads.add(Thread.currentThread().getName());
            }
        };
        TransferSettings base = settings(4);
        TransferSettings counted = base.withConnectors(m -> {
            sourcesOpened.incrementAndGet();
            return base.source().open(m);
        }, base.target());

        TransferReport first;
        TransferReport again;
        TransferReport finalPass;
        TransferReport oneConnection;
        try (Ledger ledger = Ledger.open(temp.resolve("ledger"), FaultHarness.CLOCK)) {
            first = new SyncEngine(counted, ledger, FaultHarness.CLOCK, threads).run(List.of(a), Pass.PRESTAGE);
            again = FaultHarness.run(settings(4), ledger, Pass.PRESTAGE, a);
            finalPass = FaultHarness.run(settings(4), ledger, Pass.FINAL, a);
            oneConnection = FaultHarness.run(settings(1), ledger, Pass.FINAL, a);
        }

        assertThat(first.isComplete()).as(first.summary()).isTrue();
        assertThat(first.copied()).isEqualTo(total);
        assertThat(sourcesOpened.get()).as("four connections to the old server").isEqualTo(4);
        assertThat(copyingThreads).as("folders copied on several threads at once").hasSizeGreaterThan(1);
        for (FolderPath f : folders) {
            h.assertCopiedByteForByte(a, f);
        }
        h.assertVerified(temp, a);
        assertThat(again.copied()).as(again.summary()).isZero();
        assertThat(finalPass.isComplete()).as(finalPass.summary()).isTrue();
        assertThat(finalPass.copied()).as(finalPass.summary()).isZero();
        assertThat(finalPass.mailboxes().get(0).alreadyPresent()).isEqualTo(total);
        List<FolderPath> expectedOrder = oneConnection.mailboxes().get(0).folders().stream().map(FolderReport::source).toList();
        assertThat(expectedOrder).containsAll(folders);
        for (TransferReport r : List.of(first, again, finalPass)) {
            assertThat(r.mailboxes().get(0).folders()).extracting(FolderReport::source)
                    .as("reported in the mapping's order, as with one connection").containsExactlyElementsOf(expectedOrder);
        }
    }

    private TransferSettings settings(int connections) {
        return h.settings(temp.resolve("spool")).connectionsPerMailbox(connections)
                .furtherConnectionsFrom(Duration.ZERO).build();
    }
}
