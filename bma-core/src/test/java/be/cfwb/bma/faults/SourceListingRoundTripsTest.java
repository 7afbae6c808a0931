package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.testing.net.LatencyRelay;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What listing a folder costs the old server in round trips: a folder copied for the first time
 * is opened (EXAMINE) and listed (FETCH of every message's UID, flags, size and date) with both
 * commands sent at once, one round trip instead of two; a rerun lists only above the last UID done,
 * as before.
 */
@RequiresDovecot
class SourceListingRoundTripsTest extends TwoDovecotsTestBase {

    private static final List<FolderPath> FOLDERS = List.of(FolderPath.inbox(), FolderPath.of("Sent"),
            FolderPath.of("Archives", "2024"));

    @Test
    void aFolderIsOpenedAndListedInOneRoundTrip() throws Exception {
        BmaAddress a = h.newMailbox();
        seed(a, 0);
        TransferReport first;
        TransferReport rerun;
        try (LatencyRelay wan = LatencyRelay.start(oldServer.server().imapPort(), Duration.ofMillis(40));
             CommandWatchingRelay source = CommandWatchingRelay.to(wan.port(), "EXAMINE")) {
            first = FaultHarness.run(settings(source, 1), ledger, Pass.PRESTAGE, a);

            assertThat(source.sent()).as("one EXAMINE per folder").isEqualTo(FOLDERS.size());
            assertThat(source.sentBehind()).as("each folder's listing sent behind its EXAMINE, before the answer")
                    .isEqualTo(FOLDERS.size());
        }
        seed(a, 1);
        rerun = FaultHarness.run(h.settings(temp.resolve("spool")).build(), ledger, Pass.PRESTAGE, a);

        assertThat(first.copied()).as(first.summary()).isEqualTo(FOLDERS.size() * 2);
        assertThat(first.found()).isEqualTo(FOLDERS.size() * 2);
        assertThat(rerun.copied()).as(rerun.summary()).isEqualTo(FOLDERS.size() * 2);
        h.assertVerified(temp, a);
        for (FolderPath f : FOLDERS) {
            assertThat(h.assertCopiedByteForByte(a, f)).isEqualTo(4);
        }
    }

    @Test
    void furtherConnectionsListTheirFoldersWithTheirExamineToo() throws Exception {
        BmaAddress a = h.newMailbox();
        seed(a, 0);
        TransferReport first;
        try (LatencyRelay wan = LatencyRelay.start(oldServer.server().imapPort(), Duration.ofMillis(40));
             CommandWatchingRelay source = CommandWatchingRelay.to(wan.port(), "EXAMINE")) {
            first = FaultHarness.run(settings(source, 3), ledger, Pass.PRESTAGE, a);

            assertThat(source.sent()).as("one EXAMINE per folder").isEqualTo(FOLDERS.size());
            assertThat(source.sentBehind()).as("each folder's listing sent behind its EXAMINE, on every connection")
                    .isEqualTo(FOLDERS.size());
        }
        assertThat(first.copied()).as(first.summary()).isEqualTo(FOLDERS.size() * 2);
        h.assertVerified(temp, a);
        for (FolderPath f : FOLDERS) {
            assertThat(h.assertCopiedByteForByte(a, f)).isEqualTo(2);
        }
    }

    @Test
    void aSmallFolderCopiedForTheFirstTimeIsReadWithItsListingAndNoPassAfterReadsItAgain() throws Exception {
        BmaAddress a = h.newMailbox();
        seed(a, 0);
        FolderPath large = FolderPath.of("Grand");
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < 3; i++) {
                s.append(large, TestMessage.builder().subject("large " + i).messageId("sl-large" + i + "@x")
                        .attachment(900_000, 70L + i).build(), flags(), Instant.parse("2024-10-02T08:00:00Z").plusSeconds(i));
            }
        }
        TransferReport first;
        TransferReport last;
        try (CommandWatchingRelay source = CommandWatchingRelay.to(oldServer.server().imapPort(), "UID")) {
            first = FaultHarness.run(settings(source, 1), ledger, Pass.PRESTAGE, a);

            List<String> reads = bodyReads(source);
            assertThat(reads).as("the small folders' bodies come with their listings: one FETCH each, with the"
                    + " listing's items").filteredOn(l -> l.contains("FLAGS")).hasSize(FOLDERS.size());
            assertThat(reads).as("the folder over 2 MB (3 × 1.2 MB) is listed alone and its messages read after")
                    .filteredOn(l -> !l.contains("FLAGS")).isNotEmpty().allMatch(l -> l.contains("BODY.PEEK[]<"));

            last = FaultHarness.run(settings(source, 1), ledger, Pass.FINAL, a);
            assertThat(bodyReads(source)).as("the final pass, nothing new: no body read").hasSameSizeAs(reads);
        }
        assertThat(first.isComplete()).as(first.summary()).isTrue();
        assertThat(first.copied()).as(first.summary()).isEqualTo(FOLDERS.size() * 2 + 3);
        assertThat(last.copied()).as(last.summary()).isZero();
        assertThat(last.alreadyPresent()).isEqualTo(FOLDERS.size() * 2 + 3);
        h.assertVerified(temp, a);
        for (FolderPath f : FOLDERS) {
            assertThat(h.assertCopiedByteForByte(a, f)).isEqualTo(2);
        }
        assertThat(h.assertCopiedByteForByte(a, large)).isEqualTo(3);
    }

    @Test
    void aSmallFolderHoldingAMessageTooLargeForTheTargetIsNotReadWithItsListing() throws Exception {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            s.append(FolderPath.inbox(), TestMessage.builder().subject("small").messageId("sl-small@x").build(), flags(),
                    Instant.parse("2024-10-01T08:00:00Z"));
            s.append(FolderPath.inbox(), TestMessage.builder().subject("big").messageId("sl-big@x")
                    .attachment(200_000, 7).build(), flags(), Instant.parse("2024-10-02T08:00:00Z"));
        }
        TransferReport first;
        try (CommandWatchingRelay source = CommandWatchingRelay.to(oldServer.server().imapPort(), "UID")) {
            // 270 kB in the folder: under the 2 MB read with a listing, over the target's 100 kB.
            first = FaultHarness.run(settings(source, 1).toBuilder().maxMessageSize(100_000).build(), ledger,
                    Pass.PRESTAGE, a);

            assertThat(bodyReads(source)).as("only the small message's body read, on its own")
                    .singleElement().satisfies(l -> assertThat(l).doesNotContain("FLAGS"));
        }
        assertThat(first.copied()).as(first.summary()).isEqualTo(1);
        assertThat(first.mailboxes().get(0).skipped()).singleElement()
                .satisfies(p -> assertThat(p.reason()).contains("too large", "not downloaded"));
    }

    /** The source's commands that read bodies, in the order sent. */
    private static List<String> bodyReads(CommandWatchingRelay source) {
        return source.watched().stream().map(CommandWatchingRelay.Watched::line).filter(l -> l.contains("BODY.PEEK[]"))
                .toList();
    }

    /** One mailbox at a time over {@code connections} connections (always opened), the old server behind {@code source}. */
    private TransferSettings settings(CommandWatchingRelay source, int connections) {
        return FaultHarness.settings(ImapEndpoint.parse("imap://127.0.0.1:" + source.port(), "watched source"),
                newServer.imapEndpoint(), temp.resolve("spool")).parallelism(1).connectionsPerMailbox(connections)
                .furtherConnectionsFrom(Duration.ZERO).build();
    }

    private void seed(BmaAddress a, int round) {
        try (MailboxSeeder s = h.seeder(a)) {
            for (int f = 0; f < FOLDERS.size(); f++) {
                for (int i = 0; i < 2; i++) {
                    s.append(FOLDERS.get(f), TestMessage.builder().subject("r" + round + " f" + f + " m" + i)
                                    .messageId("sl-r" + round + "f" + f + "m" + i + "@x").attachment(5_000, f * 10L + i)
                                    .build(), i == 0 ? flags("\\Seen") : flags("\\Flagged", "$Label1"),
                            Instant.parse("2024-10-01T08:00:00Z").plusSeconds(round * 100L + f * 10L + i));
                }
            }
        }
    }
}
