package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.faults.CommandWatchingRelay.Watched;
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
 * What starting a mailbox's copy costs in round trips, each server 40 ms away: once both servers
 * took a login in the run, a mailbox logs in to both at once and lists both at once (the old
 * server's folders with its NAMESPACE in one round trip, the target's folders beside them); a
 * folder that may already have copies is read on both sides at once. The run's first mailbox
 * still logs in to the old server first, so that a wrong login costs the other server nothing.
 * Where the number of connections depends on the round trip, both servers' are measured at once.
 */
@RequiresDovecot
class MailboxSetUpRoundTripsTest extends TwoDovecotsTestBase {

    private static final Duration WAN = Duration.ofMillis(40);
    private static final List<FolderPath> FOLDERS = List.of(FolderPath.inbox(), FolderPath.of("Sent"));

    @Test
    void onceBothServersTookALoginAMailboxLogsInToBothAndListsBothAtOnce() throws Exception {
        BmaAddress first = h.newMailbox();
        BmaAddress second = h.newMailbox();
        seed(first);
        seed(second);
        TransferReport report;
        try (LatencyRelay oldWan = LatencyRelay.start(oldServer.server().imapPort(), WAN);
             LatencyRelay newWan = LatencyRelay.start(newServer.server().imapPort(), WAN);
             CommandWatchingRelay sourceLogins = CommandWatchingRelay.to(oldWan.port(), "AUTHENTICATE");
             CommandWatchingRelay sourceNamespaces = CommandWatchingRelay.to(sourceLogins.port(), "NAMESPACE");
             CommandWatchingRelay targetLogins = CommandWatchingRelay.to(newWan.port(), "AUTHENTICATE");
             CommandWatchingRelay targetLists = CommandWatchingRelay.to(targetLogins.port(), "LIST")) {
            report = FaultHarness.run(settings(sourceNamespaces, targetLists), ledger, Pass.PRESTAGE, first, second);

            List<Watched> source = sourceLogins.watched();
            List<Watched> target = targetLogins.watched();
            assertThat(source).as("one login per mailbox on the old server").hasSize(2);
            assertThat(target).as("one login per mailbox on the new server").hasSize(2);
            assertThat(target.get(0).sentNanos()).as("the run's first mailbox: the target's login after the old server's")
                    .isGreaterThan(source.get(0).answeredNanos());
            assertThat(target.get(1).sentNanos()).as("the next one: both logins at once")
                    .isLessThan(source.get(1).answeredNanos());

            assertThat(sourceNamespaces.sent()).as("a NAMESPACE per mailbox").isEqualTo(2);
            assertThat(sourceNamespaces.sentBehind()).as("each mailbox's LIST sent behind its NAMESPACE, before the answer")
                    .isEqualTo(2);
            List<Watched> targetListings = targetLists.watched();
            assertThat(targetListings).as("one LIST of the target's folders per mailbox").hasSize(2);
            List<Watched> namespaces = sourceNamespaces.watched();
            assertThat(targetListings.get(1).sentNanos()).as("the second mailbox's target listed while the old server lists")
                    .isLessThan(namespaces.get(1).answeredNanos());
        }
        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.copied()).isEqualTo(2 * FOLDERS.size() * 2);
        h.assertVerified(temp, first, second);
        for (FolderPath f : FOLDERS) {
            assertThat(h.assertCopiedByteForByte(first, f)).isEqualTo(2);
            assertThat(h.assertCopiedByteForByte(second, f)).isEqualTo(2);
        }
    }

    @Test
    void aFolderWithCopiesIsReadOnBothServersAtOnce() throws Exception {
        BmaAddress a = h.newMailbox();
        seed(a);
        TransferReport prestage = FaultHarness.run(h.settings(temp.resolve("spool")).build(), ledger, Pass.PRESTAGE, a);
        TransferReport last;
        try (LatencyRelay oldWan = LatencyRelay.start(oldServer.server().imapPort(), WAN);
             LatencyRelay newWan = LatencyRelay.start(newServer.server().imapPort(), WAN);
             CommandWatchingRelay source = CommandWatchingRelay.to(oldWan.port(), "EXAMINE");
             CommandWatchingRelay target = CommandWatchingRelay.to(newWan.port(), "SELECT")) {
            last = FaultHarness.run(settings(source, target), ledger, Pass.FINAL, a);

            // The final pass compares every folder: each is opened on both servers, at the same time.
            for (FolderPath f : FOLDERS) {
                Watched examined = only(source.watched(), f);
                Watched selected = only(target.watched(), f);
                assertThat(selected.sentNanos()).as("%s selected on the target before the old server answered its EXAMINE", f)
                        .isLessThan(examined.answeredNanos());
            }
        }
        assertThat(prestage.copied()).as(prestage.summary()).isEqualTo(FOLDERS.size() * 2);
        assertThat(last.isComplete()).as(last.summary()).isTrue();
        assertThat(last.copied()).as(last.summary()).isZero();
        assertThat(last.alreadyPresent()).isEqualTo(FOLDERS.size() * 2);
        h.assertVerified(temp, a);
    }

    @Test
    void bothServersRoundTripsAreMeasuredAtOnce() throws Exception {
        BmaAddress a = h.newMailbox();
        seed(a);
        TransferReport first;
        try (LatencyRelay oldWan = LatencyRelay.start(oldServer.server().imapPort(), WAN);
             LatencyRelay newWan = LatencyRelay.start(newServer.server().imapPort(), WAN);
             CommandWatchingRelay source = CommandWatchingRelay.to(oldWan.port(), "NOOP");
             CommandWatchingRelay target = CommandWatchingRelay.to(newWan.port(), "NOOP")) {
            // Two connections per mailbox, from 5 ms: whether to open the second is decided by the round trips.
            first = FaultHarness.run(FaultHarness.settings(ImapEndpoint.parse("imap://127.0.0.1:" + source.port(), "s"),
                            ImapEndpoint.parse("imap://127.0.0.1:" + target.port(), "t"), temp.resolve("spool"))
                    .parallelism(1).connectionsPerMailbox(2).furtherConnectionsFrom(Duration.ofMillis(5)).build(),
                    ledger, Pass.PRESTAGE, a);

            assertThat(source.watched()).as("the old server's round trip measured").isNotEmpty();
            assertThat(target.watched()).as("the target's round trip measured").isNotEmpty();
            assertThat(target.watched().get(0).sentNanos()).as("the target asked before the old server's NOOPs were answered")
                    .isLessThan(source.watched().get(source.watched().size() - 1).answeredNanos());
        }
        assertThat(first.isComplete()).as(first.summary()).isTrue();
        h.assertVerified(temp, a);
    }

    /** The one watched command naming folder {@code f} (quoted or not). */
    private static Watched only(List<Watched> watched, FolderPath f) {
        String name = f.isInbox() ? "INBOX" : f.segments().get(f.segments().size() - 1);
        List<Watched> naming = watched.stream().filter(w -> w.line().stripTrailing().endsWith(name)
                || w.line().stripTrailing().endsWith(name + "\"")).toList();
        assertThat(naming).as("commands naming %s among %s", f, watched).hasSize(1);
        return naming.get(0);
    }

    /** Mailboxes one at a time, one connection each, both servers behind the relays given. */
    private TransferSettings settings(CommandWatchingRelay source, CommandWatchingRelay target) {
        return FaultHarness.settings(ImapEndpoint.parse("imap://127.0.0.1:" + source.port(), "watched source"),
                ImapEndpoint.parse("imap://127.0.0.1:" + target.port(), "watched target"), temp.resolve("spool"))
                .parallelism(1).connectionsPerMailbox(1).build();
    }

    private void seed(BmaAddress a) {
        try (MailboxSeeder s = h.seeder(a)) {
            for (int f = 0; f < FOLDERS.size(); f++) {
                for (int i = 0; i < 2; i++) {
                    s.append(FOLDERS.get(f), TestMessage.builder().subject(a.localPart() + " f" + f + " m" + i)
                                    .messageId("su-" + a.localPart() + "f" + f + "m" + i + "@x").attachment(3_000, f * 10L + i)
                                    .build(), i == 0 ? flags("\\Seen") : flags("\\Flagged"),
                            Instant.parse("2024-10-01T08:00:00Z").plusSeconds(f * 10L + i));
                }
            }
        }
    }
}
