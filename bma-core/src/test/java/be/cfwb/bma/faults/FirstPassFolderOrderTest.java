package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.transfer.FolderMapping;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferReport;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a first pass over several connections, the folder the old server's status listing counts the
 * most messages in is copied first, wherever it comes in the folder list, so that the longest
 * folder does not start last and finish alone. Dovecot offers LIST-STATUS: the counts cost no
 * command of their own.
 */
@RequiresDovecot
class FirstPassFolderOrderTest extends TwoDovecotsTestBase {

    private static final FolderPath SMALL = FolderPath.of("Brouillons");
    /** Last in the folder list, largest by far. */
    private static final FolderPath LARGE = FolderPath.of("Zz Archives");

    @Test
    void theFolderWithTheMostMessagesIsCopiedFirst() {
        BmaAddress a = h.newMailbox();
        seed(a, FolderPath.inbox(), 1);
        seed(a, SMALL, 2);
        seed(a, LARGE, 12);
        List<FolderPath> startedOnTheFirst = Collections.synchronizedList(new ArrayList<>());

        TransferReport report = new SyncEngine(h.settings(temp.resolve("spool")).parallelism(1).connectionsPerMailbox(2)
                .furtherConnectionsFrom(Duration.ZERO).build(), ledger, FaultHarness.CLOCK, new TransferListener() {
                    @Override
                    public void folderStarted(BmaAddress mailbox, FolderMapping mapping, int listed, int toCopy,
                                              long bytesToCopy) {
                        // The mailbox's own connection takes its first folder while the further one logs in.
                        if (!Thread.currentThread().getName().contains("-c")) {
                            startedOnTheFirst.add(mapping.source().path());
                        }
                    }
                }).run(List.of(a), Pass.PRESTAGE);

        assertThat(startedOnTheFirst).as("folders the mailbox's own connection copied, in order").first().isEqualTo(LARGE);
        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.copied()).isEqualTo(15);
        assertThat(report.mailboxes().get(0).folders()).as("reported in the folder list's order")
                .extracting(f -> f.source()).containsExactly(SMALL, FolderPath.inbox(), LARGE);
        h.assertVerified(temp, a);
        assertThat(h.assertCopiedByteForByte(a, LARGE)).isEqualTo(12);
    }

    private void seed(BmaAddress a, FolderPath folder, int count) {
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < count; i++) {
                s.append(folder, TestMessage.builder().subject(folder.encoded() + " " + i)
                                .messageId("fo-" + a.localPart() + "-" + folder.segments().size() + "-" + count + "-" + i + "@x")
                                .build(), flags("\\Seen"), Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
        }
    }
}
