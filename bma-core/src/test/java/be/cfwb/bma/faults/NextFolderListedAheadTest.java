package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.faults.CommandWatchingRelay.Watched;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.testing.net.LatencyRelay;
import be.cfwb.bma.transfer.FolderListing;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.ForwardingSource;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection's next folder is listed on the old server while the target answers the current
 * folder's last APPENDs, each server 40 ms away: the old server no longer waits a round trip for
 * the target between two folders. The listing read ahead is the one the next folder's copy uses;
 * what arrives after it is the next pass's, as with any listing.
 */
@RequiresDovecot
class NextFolderListedAheadTest extends TwoDovecotsTestBase {

    private static final Duration WAN = Duration.ofMillis(40);
    private static final List<FolderPath> FOLDERS = List.of(FolderPath.inbox(), FolderPath.of("Sent"),
            FolderPath.of("Archives"));
    private static final int PER_FOLDER = 3;

    @Test
    void theNextFolderIsListedBeforeTheTargetAnsweredTheLastAppends() throws Exception {
        BmaAddress a = h.newMailbox();
        seed(a, 0);
        TransferReport first;
        try (LatencyRelay oldWan = LatencyRelay.start(oldServer.server().imapPort(), WAN);
             LatencyRelay newWan = LatencyRelay.start(newServer.server().imapPort(), WAN);
             CommandWatchingRelay examines = CommandWatchingRelay.to(oldWan.port(), "EXAMINE");
             CommandWatchingRelay appends = CommandWatchingRelay.to(newWan.port(), "APPEND")) {
            first = FaultHarness.run(settings(examines, appends), ledger, Pass.PRESTAGE, a);

            List<Watched> opened = examines.watched();
            assertThat(opened).as("one EXAMINE per folder").hasSize(FOLDERS.size());
            for (int i = 0; i + 1 < opened.size(); i++) {
                String folder = folderOf(opened.get(i));
                Watched lastAppend = appends.watched().stream().filter(w -> folderOf(w).equals(folder))
                        .reduce((x, y) -> y).orElseThrow();
                assertThat(opened.get(i + 1).sentNanos())
                        .as("%s opened before the target answered %s's last APPEND", folderOf(opened.get(i + 1)), folder)
                        .isLessThan(lastAppend.answeredNanos());
            }
        }
        assertThat(first.isComplete()).as(first.summary()).isTrue();
        assertThat(first.copied()).as(first.summary()).isEqualTo(FOLDERS.size() * PER_FOLDER);

        // New mail everywhere: the rerun's listings, read ahead too, copy exactly the new messages.
        seed(a, 1);
        TransferReport rerun = FaultHarness.run(h.settings(temp.resolve("spool")).parallelism(1)
                .connectionsPerMailbox(1).build(), ledger, Pass.PRESTAGE, a);
        assertThat(rerun.copied()).as(rerun.summary()).isEqualTo(FOLDERS.size() * PER_FOLDER);
        assertThat(rerun.alreadyPresent()).isZero();
        h.assertVerified(temp, a);
        for (FolderPath f : FOLDERS) {
            assertThat(h.assertCopiedByteForByte(a, f)).isEqualTo(2 * PER_FOLDER);
        }
    }

    @Test
    void aListingAheadThatFailsLeavesTheFolderToListItself() throws Exception {
        BmaAddress a = h.newMailbox();
        seed(a, 0);
        TransferSettings plain = h.settings(temp.resolve("spool")).parallelism(1).connectionsPerMailbox(1).build();
        AtomicInteger failedAhead = new AtomicInteger();
        TransferSettings failing = plain.withConnectors(m -> new ForwardingSource(plain.source().open(m)) {
            @Override
            public FolderListing list(FolderPath folder, long afterUid, boolean messageIds) {
                if (Thread.currentThread().getName().endsWith("-reader")) {
                    failedAhead.incrementAndGet();
                    throw new IllegalStateException("listing read ahead broken on purpose");
                }
                return delegate.list(folder, afterUid, messageIds);
            }
        }, plain.target());
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        TransferReport report;
        try {
            report = FaultHarness.run(failing, ledger, Pass.PRESTAGE, a);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }

        assertThat(failedAhead.get()).as("listings read ahead (one per folder after the first)")
                .isEqualTo(FOLDERS.size() - 1);
        assertThat(uncaught).as("nothing thrown out of a reader thread").isEmpty();
        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.copied()).as(report.summary()).isEqualTo(FOLDERS.size() * PER_FOLDER);
        assertThat(report.retries()).as("no retry: each folder listed itself").isZero();
        h.assertVerified(temp, a);
    }

    /** The folder a watched EXAMINE or APPEND names: its first argument, unquoted. */
    private static String folderOf(Watched w) {
        String[] words = w.line().strip().split(" ");
        return words[2].replace("\"", "");
    }

    private TransferSettings settings(CommandWatchingRelay source, CommandWatchingRelay target) {
        return FaultHarness.settings(ImapEndpoint.parse("imap://127.0.0.1:" + source.port(), "watched source"),
                ImapEndpoint.parse("imap://127.0.0.1:" + target.port(), "watched target"), temp.resolve("spool"))
                .parallelism(1).connectionsPerMailbox(1).build();
    }

    private void seed(BmaAddress a, int round) {
        try (MailboxSeeder s = h.seeder(a)) {
            for (int f = 0; f < FOLDERS.size(); f++) {
                for (int i = 0; i < PER_FOLDER; i++) {
                    s.append(FOLDERS.get(f), TestMessage.builder().subject(a.localPart() + " r" + round + " f" + f + " m" + i)
                                    .messageId("la-" + a.localPart() + "r" + round + "f" + f + "m" + i + "@x")
                                    .attachment(20_000, round * 100L + f * 10L + i).build(),
                            i == 0 ? flags("\\Seen") : flags("\\Flagged"),
                            Instant.parse("2024-10-01T08:00:00Z").plusSeconds(round * 100L + f * 10L + i));
                }
            }
        }
    }
}
