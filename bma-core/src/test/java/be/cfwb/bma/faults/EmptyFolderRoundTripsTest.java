package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An empty folder, which real mailboxes have many of (Corbeille, Brouillons, yearly archives
 * emptied), costs a pre-stage no round trip on either side beyond its target's CREATE: the pass's
 * one LIST-STATUS already says it holds nothing, and the mark it leaves (the last UID the folder
 * ever gave) lets every later pre-stage pass it by that status too. A message that arrives in it
 * afterwards is still copied.
 */
@RequiresDovecot
class EmptyFolderRoundTripsTest extends TwoDovecotsTestBase {

    private static final FolderPath NEVER_USED = FolderPath.of("Corbeille");
    private static final FolderPath EMPTIED = FolderPath.of("Archives", "Vidé en 2023");

    @Test
    void emptyFoldersAreCreatedWithoutOpeningEitherSideAndStillGetWhatArrivesLater() throws Exception {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            s.folder(NEVER_USED);
            append(s, FolderPath.inbox(), "inbox-1");
            append(s, FolderPath.inbox(), "inbox-2");
            long one = append(s, EMPTIED, "gone-1");
            long two = append(s, EMPTIED, "gone-2");
            s.delete(EMPTIED, one);
            s.delete(EMPTIED, two);
        }

        Counted first = pass(a);

        assertThat(first.report.isComplete()).as(first.report.summary()).isTrue();
        assertThat(first.report.copied()).isEqualTo(2);
        try (MailboxInspector target = h.newBox(a)) {
            assertThat(target.folders()).contains(NEVER_USED, EMPTIED);
            assertThat(target.messages(NEVER_USED)).isEmpty();
            assertThat(target.messages(EMPTIED)).isEmpty();
        }
        assertThat(first.sourceExamines).as("EXAMINE on the old server: the INBOX only").isEqualTo(1);
        assertThat(first.targetSelects).as("SELECT on the new server: the INBOX only").isEqualTo(1);

        try (MailboxSeeder s = h.seeder(a)) {
            append(s, EMPTIED, "late"); // UID 3: above the mark the empty folder left
        }
        Counted second = pass(a);
        Counted third = pass(a);

        assertThat(second.report.copied()).as(second.report.summary()).isEqualTo(1);
        assertThat(second.sourceExamines).as("EXAMINE on the old server: the folder with new mail").isEqualTo(1);
        assertThat(third.report.copied()).as(third.report.summary()).isZero();
        assertThat(third.sourceExamines).as("EXAMINE on the old server, nothing new").isZero();
        try (MailboxInspector target = h.newBox(a)) {
            assertThat(target.messages(EMPTIED)).hasSize(1);
            assertThat(target.messages(NEVER_USED)).isEmpty();
        }
        h.assertVerified(temp, a);
        h.assertCopiedByteForByte(a, EMPTIED);
    }

    @Test
    void aPassThatListsAnEmptyFolderDoesNotReadItsTargetFolder() throws Exception {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            s.folder(NEVER_USED);
            append(s, FolderPath.inbox(), "final-inbox");
        }
        Counted prestage = pass(a);

        // The final pass lists every folder (no status shortcut); the empty one has nothing to
        // compare, so its copies on the target are not read.
        Counted last = pass(a, Pass.FINAL);

        assertThat(prestage.report.copied()).as(prestage.report.summary()).isEqualTo(1);
        assertThat(last.report.isComplete()).as(last.report.summary()).isTrue();
        assertThat(last.report.copied()).isZero();
        assertThat(last.sourceExamines).as("EXAMINE on the old server: every folder").isEqualTo(2);
        assertThat(last.targetSelects).as("SELECT on the new server: the INBOX only").isEqualTo(1);
        h.assertVerified(temp, a);
    }

    private Counted pass(BmaAddress a) throws Exception {
        return pass(a, Pass.PRESTAGE);
    }

    /** One pass of {@code a}, both servers behind counting proxies. */
    private Counted pass(BmaAddress a, Pass pass) throws Exception {
        try (ThrottlingImapProxy source = ThrottlingImapProxy.to(oldServer.server().imapPort());
             ThrottlingImapProxy target = ThrottlingImapProxy.to(newServer.server().imapPort())) {
            TransferSettings settings = FaultHarness.settings(
                            ImapEndpoint.parse("imap://127.0.0.1:" + source.port(), "counted source"),
                            ImapEndpoint.parse("imap://127.0.0.1:" + target.port(), "counted target"), temp.resolve("spool"))
                    .parallelism(1).connectionsPerMailbox(1).build();
            TransferReport report = FaultHarness.run(settings, ledger, pass, a);
            return new Counted(report, source.forwarded("EXAMINE") + source.forwarded("SELECT"),
                    target.forwarded("SELECT") + target.forwarded("EXAMINE"));
        }
    }

    private record Counted(TransferReport report, int sourceExamines, int targetSelects) {
    }

    private static long append(MailboxSeeder s, FolderPath folder, String id) {
        return s.append(folder, TestMessage.builder().subject(id).messageId(id + "@empty-folders.test")
                .attachment(4_000, id.hashCode()).build(), flags("\\Seen"), Instant.parse("2024-10-01T08:00:00Z"));
    }
}
