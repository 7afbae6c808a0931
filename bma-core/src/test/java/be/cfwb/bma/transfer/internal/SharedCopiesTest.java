package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.transfer.FolderMapping;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MessageFlags;
import be.cfwb.bma.transfer.SourceFolder;
import be.cfwb.bma.transfer.SourceMessage;
import be.cfwb.bma.transfer.TargetFolder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a copy's messages are divided between its own reader and the parts other connections take
 * (no server: the division itself), with three connections, so that a part is shared again.
 */
class SharedCopiesTest {

    private static final FolderPath INBOX = FolderPath.inbox();
    private static final FolderMapping MAPPING = new FolderMapping(SourceFolder.of(INBOX), TargetFolder.of(INBOX), List.of());
    private static final long MB = 1024 * 1024;

    @Test
    @Timeout(30)
    void aPartIsSharedAgainAndEveryMessageFallsToExactlyOneReader() throws InterruptedException {
        SharedCopies copies = new SharedCopies();
        copies.begin(); // the connection copying the INBOX
        List<SourceMessage> inbox = LongStream.rangeClosed(1, 20).mapToObj(uid -> message(uid, MB)).toList();
        SharedCopies.Share own = copies.offer(MAPPING, INBOX, 7, inbox, Map.of(), false);
        List<Long> ownUids = uids(own.claim()); // its reader has begun: 2 MB in one read

        SharedCopies.Part second = copies.awaitPart().orElseThrow();
        List<Long> secondUids = uids(second.share().claim()); // the second connection reads its first run
        // The owner reads the rest of its own half: nothing of it is left to share.
        for (List<SourceMessage> run = own.claim(); !run.isEmpty(); run = own.claim()) {
            ownUids.addAll(uids(run));
        }
        Optional<SharedCopies.Part> third = copies.awaitPart();

        assertThat(third).as("the second connection's part, shared again with a third").isPresent();
        List<Long> thirdUids = drain(third.get().share());
        secondUids.addAll(drain(second.share()));
        assertThat(ownUids).as("the owner keeps the lower UIDs").isSortedAccordingTo(Long::compare).startsWith(1L, 2L);
        List<Long> all = new ArrayList<>(ownUids);
        all.addAll(secondUids);
        all.addAll(thirdUids);
        assertThat(all).as("each message read by one connection").containsExactlyInAnyOrderElementsOf(
                inbox.stream().map(SourceMessage::uid).toList());
        assertThat(thirdUids).isNotEmpty();
        assertThat(thirdUids.get(0)).as("the upper part of the second's").isGreaterThan(secondUids.get(secondUids.size() - 1));

        // Each part is done: its numbers go up to the copy it came from, through the second.
        third.get().tally().copied = thirdUids.size();
        third.get().tally().copiedUids.addAll(thirdUids);
        third.get().ended(null);
        copies.end();
        second.tally().copied = secondUids.size();
        second.tally().copiedUids.addAll(secondUids);
        second.ended(second.share().close(second.tally()).orElse(null));
        copies.end();
        FolderTally tally = new FolderTally();
        tally.copied = ownUids.size();
        tally.copiedUids.addAll(ownUids);
        assertThat(own.close(tally)).as("no part failed").isEmpty();
        assertThat(tally.copied).isEqualTo(20);
        assertThat(tally.copiedUids).hasSize(20);
        copies.end();
        assertThat(copies.awaitPart()).as("nothing left to share, nobody copying").isEmpty();
    }

    private static List<Long> drain(SharedCopies.Share share) {
        List<Long> uids = new ArrayList<>();
        for (List<SourceMessage> run = share.claim(); !run.isEmpty(); run = share.claim()) {
            uids.addAll(uids(run));
        }
        return uids;
    }

    private static List<Long> uids(List<SourceMessage> run) {
        return new ArrayList<>(run.stream().map(SourceMessage::uid).toList());
    }

    private static SourceMessage message(long uid, long size) {
        return new SourceMessage(uid, size, MessageFlags.NONE, Instant.parse("2024-10-01T08:00:00Z"), Optional.empty());
    }
}
