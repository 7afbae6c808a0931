package be.cfwb.bma.lifecycle;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxReport;
import be.cfwb.bma.transfer.Pass;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Progress in bytes, on a time the test moves. */
class CopyProgressTest {

    private static final long MB = 1024L * 1024;
    private static final BmaAddress BIG = BmaAddress.parse("ec001394@adm.cfwb.be");
    private static final BmaAddress SMALL = BmaAddress.parse("ec000006@adm.cfwb.be");

    private final AtomicLong now = new AtomicLong();
    private final List<CopyProgress.Snapshot> seen = new ArrayList<>();
    private final CopyProgress progress = new CopyProgress(new RunListener() {
        @Override
        public void copyProgress(CopyProgress.Snapshot s) {
            seen.add(s);
        }
    }, now::get, 100 * MB, Duration.ofSeconds(30));

    private void copy(BmaAddress mailbox, long bytes, Duration after) {
        now.addAndGet(after.toNanos());
        progress.messageCopied(mailbox, FolderPath.inbox(), 1, bytes);
    }

    private void finish(BmaAddress mailbox) {
        progress.mailboxFinished(new MailboxReport(mailbox, Pass.PRESTAGE, Instant.EPOCH, Duration.ZERO, 0, List.of(),
                Optional.empty()));
    }

    @Test
    void aLongMailboxShowsProgressEveryHundredMegabytesOrThirtySecondsWithAnEtaInBytes() {
        Map<BmaAddress, Long> expected = new LinkedHashMap<>();
        expected.put(BIG, 1000 * MB);
        expected.put(SMALL, 0L);
        progress.copyStarted(Stage.PRESTAGE_AHEAD, expected);
        progress.mailboxStarted(BIG, Pass.PRESTAGE);

        copy(BIG, 40 * MB, Duration.ofSeconds(4));
        assertThat(seen).isEmpty();
        copy(BIG, 60 * MB, Duration.ofSeconds(6));
        // 100 MB copied in 10 s, 900 MB left of 1,000: 90 s at 10 MB/s.
        assertThat(seen).hasSize(1);
        CopyProgress.Snapshot s = seen.get(0);
        assertThat(s.stage()).contains(Stage.PRESTAGE_AHEAD);
        assertThat(s.copiedBytes()).isEqualTo(100 * MB);
        assertThat(s.expectedBytes()).isEqualTo(1000 * MB);
        assertThat(s.percent()).isEqualTo(10);
        assertThat(s.eta()).contains(Duration.ofSeconds(90));
        assertThat(s.line()).isEqualTo("ec001394@adm.cfwb.be 100.0 of 1000.0 MB | 100.0 of 1000.0 MB (10 %), 0/2 mailboxes,"
                + " 10.0 MB/s, ETA 1 min 30 s");

        copy(BIG, 1 * MB, Duration.ofSeconds(31));
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1).mailboxCopiedBytes()).isEqualTo(101 * MB);
    }

    @Test
    void whatFoldersListRefinesTheExpectedBytesAndAFinishedMailboxCountsForWhatItCopied() {
        progress.copyStarted(Stage.FINAL_DELTA, Map.of(SMALL, 0L));
        progress.folderStarted(SMALL, null, 10, 3, 30 * MB);
        copy(SMALL, 10 * MB, Duration.ofSeconds(31));
        assertThat(seen.get(0).mailboxExpectedBytes()).isEqualTo(30 * MB);
        assertThat(seen.get(0).eta()).contains(Duration.ofSeconds(62));
        finish(SMALL);
        CopyProgress.Snapshot done = seen.get(1);
        assertThat(done.mailboxFinished()).isTrue();
        assertThat(done.expectedBytes()).isEqualTo(10 * MB);
        assertThat(done.percent()).isEqualTo(100);
        assertThat(done.mailboxesDone()).isEqualTo(1);
        assertThat(done.line()).contains("10.0 of 10.0 MB done", "1/1 mailboxes", "ETA 0 s");
    }

    @Test
    void withoutTimePassingThereIsNoRateAndNoEta() {
        progress.copyStarted(Stage.PRESTAGE, Map.of(BIG, 500 * MB));
        copy(BIG, 200 * MB, Duration.ZERO);
        assertThat(seen.get(0).eta()).isEmpty();
        assertThat(seen.get(0).line()).endsWith("- MB/s, ETA unknown");
    }
}
