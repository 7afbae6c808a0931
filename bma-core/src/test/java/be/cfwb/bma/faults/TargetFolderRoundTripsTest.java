package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.testing.net.LatencyRelay;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What preparing the target's folders costs in commands, each a round trip over a WAN: one
 * {@code LIST "" "*"} per session (which also gives the hierarchy separator), then a
 * {@code CREATE} per missing folder (and missing parent), all sent before the first answer is
 * read; a folder the session created is known empty, so it is neither selected nor listed,
 * and nothing is unselected: APPENDs name their folder. A folder that exists costs its
 * {@code SELECT} (and the listing of its copies), and is left by the next {@code SELECT}, the
 * last one by the session's LOGOUT, neither of which expunges. Angus's own {@code exists()} and
 * {@code create()} took four LISTs and a CREATE for each new folder, and every folder switch an
 * UNSELECT or CLOSE.
 */
@RequiresDovecot
class TargetFolderRoundTripsTest extends TwoDovecotsTestBase {

    private static final List<FolderPath> FOLDERS = List.of(FolderPath.inbox(), FolderPath.of("Sent"),
            FolderPath.of("Projets", "2024"), FolderPath.of("Projets", "2025"));

    @Test
    void newFoldersCostOneCreateEachAndKnownOnesNothingBeforeTheirSelect() throws Exception {
        BmaAddress a = h.newMailbox();
        seed(a, 0);
        TransferReport first;
        TransferReport second;
        int[] firstCounts;
        int[] secondCounts;
        try (ThrottlingImapProxy target = ThrottlingImapProxy.to(newServer.server().imapPort())) {
            first = FaultHarness.run(settings(target), ledger, Pass.PRESTAGE, a);
            firstCounts = counts(target);
        }
        seed(a, 1);
        markFirstDeleted(a); // by the user, in the new mailbox: leaving the folder must not expunge it
        try (ThrottlingImapProxy target = ThrottlingImapProxy.to(newServer.server().imapPort())) {
            second = FaultHarness.run(settings(target), ledger, Pass.PRESTAGE, a);
            secondCounts = counts(target);
        }
        try (MailboxInspector box = h.newBox(a)) {
            assertThat(box.messages(FolderPath.inbox())).as("the INBOX's copies, the one marked deleted kept").hasSize(4);
        }

        assertThat(first.copied()).as(first.summary()).isEqualTo(FOLDERS.size() * 2);
        // Sent, Projets, Projets/2024, Projets/2025 created (the INBOX is there); only the INBOX
        // selected, and never unselected: the LOGOUT leaves it
        assertThat(firstCounts).as("CREATE, LIST, SELECT, UNSELECT or CLOSE on a fresh target")
                .containsExactly(4, 1, 1, 0);
        assertThat(second.copied()).as(second.summary()).isEqualTo(FOLDERS.size() * 2);
        // each folder with new mail selected in turn and left by the next SELECT (the last by
        // the LOGOUT), none expunged; the empty parent Projets is not read
        assertThat(secondCounts).as("CREATE, LIST, SELECT, UNSELECT or CLOSE once the folders exist")
                .containsExactly(0, 1, FOLDERS.size(), 0);
        h.assertVerified(temp, a);
        for (FolderPath f : FOLDERS) {
            h.assertCopiedByteForByte(a, f);
        }
    }

    @Test
    void aNewMailboxsFoldersAreCreatedInOneRoundTrip() throws Exception {
        BmaAddress a = h.newMailbox();
        seed(a, 0);
        TransferReport copy;
        try (LatencyRelay wan = LatencyRelay.start(newServer.server().imapPort(), Duration.ofMillis(40));
             CommandWatchingRelay target = CommandWatchingRelay.to(wan.port(), "CREATE")) {
            copy = FaultHarness.run(settings(target.port()), ledger, Pass.PRESTAGE, a);

            // Sent, Projets, Projets/2024 and Projets/2025, parents first; one after the other,
            // they cost a round trip each before their folder's copy
            assertThat(target.sent()).as("CREATEs, none repeated").isEqualTo(4);
            assertThat(target.maxInFlight()).as("CREATEs sent before the first was answered").isEqualTo(4);
        }
        assertThat(copy.copied()).as(copy.summary()).isEqualTo(FOLDERS.size() * 2);
        h.assertVerified(temp, a);
        for (FolderPath f : FOLDERS) {
            h.assertCopiedByteForByte(a, f);
        }
    }

    private TransferSettings settings(ThrottlingImapProxy target) {
        return settings(target.port());
    }

    private TransferSettings settings(int targetPort) {
        return FaultHarness.settings(oldServer.imapEndpoint(),
                        ImapEndpoint.parse("imap://127.0.0.1:" + targetPort, "counted target"), temp.resolve("spool"))
                .parallelism(1).connectionsPerMailbox(1).build();
    }

    /** Marks the first message of the new mailbox's INBOX {@code \Deleted}, as a user's client would. */
    private void markFirstDeleted(BmaAddress a) throws MessagingException {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", newServer.server().imapPort(), a.toString(), FaultHarness.password(a));
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            inbox.getMessage(1).setFlag(Flags.Flag.DELETED, true);
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    private static int[] counts(ThrottlingImapProxy target) {
        return new int[] {target.forwarded("CREATE"), target.forwarded("LIST"), target.forwarded("SELECT"),
                target.forwarded("UNSELECT") + target.forwarded("CLOSE")};
    }

    private void seed(BmaAddress a, int round) {
        try (MailboxSeeder s = h.seeder(a)) {
            for (int f = 0; f < FOLDERS.size(); f++) {
                for (int i = 0; i < 2; i++) {
                    s.append(FOLDERS.get(f), TestMessage.builder().subject("r" + round + " f" + f + " m" + i)
                                    .messageId("rt-r" + round + "f" + f + "m" + i + "@x").attachment(5_000, f * 10L + i)
                                    .build(), flags("\\Seen"),
                            Instant.parse("2024-10-01T08:00:00Z").plusSeconds(round * 100L + f * 10L + i));
                }
            }
        }
    }
}
