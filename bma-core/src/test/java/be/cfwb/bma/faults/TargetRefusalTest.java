package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxInspector.StoredMessage;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.DovecotServer;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxReport;
import be.cfwb.bma.transfer.MailboxVerification;
import be.cfwb.bma.transfer.MessageProblem;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.Verifier;
import be.cfwb.bma.transfer.VerifyReport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real target that refuses messages: Dovecot with the quota plugin, one mailbox given a
 * storage quota smaller than its content ({@code NO [OVERQUOTA]}), and a per-message size limit
 * ({@code quota_max_mail_size}, answered {@code NO [LIMIT]}) that the engine's own size check lets
 * through. GreenMail is the old server. What the target refuses is reported message by message
 * with the server's reason, tried once, never silently lost; the rest of that mailbox and the
 * other mailboxes arrive; the Verifier names exactly the missing ones; once the quota is raised
 * a rerun copies exactly those. Skipped where Dovecot is absent.
 *
 * <p>Not repeated here: the engine's own size limit ({@code TransferSuite#oversizeMessageIsReportedNotLost},
 * no server involved) and a message whose APPEND always fails with a retryable error
 * ({@code TransferSuite#aMessageThatAlwaysFailsIsGivenUpAndReportedWhileTheOthersArrive}, a test double).
 */
@RequiresDovecot
@Timeout(120)
class TargetRefusalTest extends TwoServerTestBase<GreenMailFixture, DovecotFixture> {

    private static final FolderPath INBOX = FolderPath.inbox();
    /**
     * Beside the INBOX, not under it: Dovecot 2.3's {@code count} quota stops counting a session's
     * APPENDs to the INBOX once that session has created a folder under the INBOX (checked: 6 of 6
     * messages of 30 kB accepted under a 100 kB quota after {@code CREATE INBOX/Sub}, 3 without
     * it or after {@code CREATE Other}), and the copy creates a new mailbox's folders first.
     */
    private static final FolderPath SMALL = FolderPath.of("Petits");
    private static final int BIG = 6;
    private static final int SMALL_COUNT = 3;
    private static final long SERVER_MAX_MESSAGE = 150_000;

    @Override
    protected GreenMailFixture startOld() {
        return GreenMailFixture.start();
    }

    @Override
    protected DovecotFixture startNew() {
        return DovecotFixture.of(DovecotServer.builder().userQuotas(true).maxMessageSize(SERVER_MAX_MESSAGE).start());
    }

    /** Six messages of ~40 kB in INBOX, three small ones in another folder. */
    private void seed(BmaAddress a) {
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < BIG; i++) {
                s.append(INBOX, TestMessage.builder().subject("Grand " + i).messageId("big" + i + "@cfwb.be")
                        .attachment(30_000, i).build(), flags(i % 2 == 0 ? "\\Seen" : "\\Flagged"),
                        Instant.parse("2024-10-01T00:00:00Z").plusSeconds(i));
            }
            for (int i = 0; i < SMALL_COUNT; i++) {
                s.append(SMALL, TestMessage.builder().subject("Petit " + i).messageId("small" + i + "@cfwb.be").build(),
                        flags(), Instant.parse("2024-10-02T00:00:00Z").plusSeconds(i));
            }
        }
    }

    @Test
    void aFullTargetRefusesMessageByMessageTheRestArrivesAndARerunAfterRaisingTheQuotaCopiesExactlyTheRest() {
        BmaAddress full = h.newMailbox();
        BmaAddress other1 = h.newMailbox();
        BmaAddress other2 = h.newMailbox();
        for (BmaAddress a : List.of(full, other1, other2)) {
            seed(a);
        }
        long bigSize;
        long smallTotal;
        try (MailboxInspector old = h.oldBox(full)) {
            bigSize = old.messages(INBOX).stream().mapToLong(StoredMessage::size).max().orElseThrow();
            smallTotal = old.messages(SMALL).stream().mapToLong(StoredMessage::size).sum();
        }
        // Room for everything but three large messages whatever the order of the APPENDs
        // (trace headers included), never for a fourth one.
        long quota = 3 * (bigSize + 200) + smallTotal + SMALL_COUNT * 200L + bigSize / 2;
        assertThat(bigSize / 2).as("a fourth large message cannot fit").isGreaterThan(smallTotal + SMALL_COUNT * 200L);
        newServer.server().userQuota(full.toString(), quota);
        // One connection per mailbox: Dovecot's quota is checked per session, so two sessions
        // saving at once may both pass where one message fits; the exact count needs one.
        TransferSettings settings = h.settings(temp).parallelism(3).connectionsPerMailbox(1).build();

        TransferReport first = FaultHarness.run(settings, ledger, Pass.PRESTAGE, full, other1, other2);

        assertThat(first.isComplete()).isFalse();
        assertThat(first.isAccountedFor()).as(first.summary()).isTrue();
        MailboxReport fullReport = report(first, full);
        assertThat(fullReport.isComplete()).isFalse();
        assertThat(fullReport.error()).isEmpty();
        assertThat(fullReport.failed()).as("over quota is final, not a failure to retry").isEmpty();
        assertThat(fullReport.retries()).as("each refused message tried once").isZero();
        assertThat(fullReport.found()).isEqualTo(BIG + SMALL_COUNT);
        assertThat(fullReport.copied()).isEqualTo(BIG + SMALL_COUNT - 3);
        assertThat(fullReport.skipped()).hasSize(3).allSatisfy(p -> {
            assertThat(p.folder()).isEqualTo(INBOX);
            assertThat(p.reason()).startsWith("over quota on the target").contains("OVERQUOTA");
        });
        assertThat(fullReport.problems()).hasSize(3);
        assertThat(first.toJson()).contains("over quota on the target");
        for (BmaAddress ok : List.of(other1, other2)) {
            assertThat(report(first, ok).isComplete()).as("%s unaffected", ok).isTrue();
            assertThat(report(first, ok).copied()).isEqualTo(BIG + SMALL_COUNT);
        }
        Set<Long> refused = uids(fullReport.skipped());
        try (MailboxInspector neu = h.newBox(full)) {
            assertThat(neu.messages(SMALL)).as("the folder after the refusals still copied").hasSize(SMALL_COUNT);
            assertThat(neu.messages(INBOX)).hasSize(BIG - 3);
        }

        VerifyReport verified = new Verifier(settings, FaultHarness.CLOCK).verify(List.of(full, other1, other2));

        assertThat(verified.isSuccess()).isFalse();
        assertThat(verified.missing()).isEqualTo(3);
        MailboxVerification v = verified.mailboxes().stream().filter(m -> m.mailbox().equals(full)).findFirst().orElseThrow();
        assertThat(uids(v.missing())).as("the Verifier names exactly the refused messages").isEqualTo(refused);
        assertThat(v.duplicated()).isEmpty();
        assertThat(v.mismatched()).isEmpty();
        assertThat(verified.mailboxes()).filteredOn(m -> !m.mailbox().equals(full)).allMatch(MailboxVerification::isSuccess);
        assertThat(verified.toJson()).contains(full.toString());

        newServer.server().userQuota(full.toString(), 0);
        TransferReport rerun = FaultHarness.run(settings, ledger, Pass.PRESTAGE, full, other1, other2);

        assertThat(rerun.isComplete()).as(rerun.summary()).isTrue();
        assertThat(report(rerun, full).copied()).as(rerun.toJson()).isEqualTo(3);
        assertThat(report(rerun, other1).copied()).isZero();
        assertThat(report(rerun, other2).copied()).isZero();
        h.assertVerified(temp, full, other1, other2);
        for (BmaAddress a : List.of(full, other1, other2)) {
            assertThat(h.assertCopiedByteForByte(a, INBOX)).isEqualTo(BIG);
            assertThat(h.assertCopiedByteForByte(a, SMALL)).isEqualTo(SMALL_COUNT);
        }
    }

    @Test
    void aMessageTheTargetRefusesIsReportedWithTheServersReasonAndTheOthersArrive() {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < 4; i++) {
                s.append(INBOX, TestMessage.builder().subject("m" + i).messageId("m" + i + "@cfwb.be").build(), flags(),
                        Instant.parse("2024-10-01T00:00:00Z").plusSeconds(i));
            }
            // Under the engine's limit (Exchange's), over this server's: only the server refuses it.
            s.append(INBOX, TestMessage.builder().subject("Trop grand pour ce serveur").attachment(200_000, 9).build(),
                    flags("\\Seen"), Instant.parse("2024-10-03T00:00:00Z"));
            s.append(SMALL, TestMessage.builder().subject("après").build(), flags(), Instant.parse("2024-10-04T00:00:00Z"));
        }
        long refusedUid;
        try (MailboxInspector old = h.oldBox(a)) {
            refusedUid = old.messages(INBOX).stream().filter(m -> m.size() > SERVER_MAX_MESSAGE).findFirst()
                    .orElseThrow().uid();
        }
        TransferSettings settings = h.settings(temp).build();

        TransferReport report = FaultHarness.run(settings, ledger, Pass.PRESTAGE, a);

        assertThat(report.isComplete()).isFalse();
        assertThat(report.isAccountedFor()).as(report.summary()).isTrue();
        assertThat(report.copied()).isEqualTo(5);
        assertThat(report.retries()).isZero();
        MailboxReport mailbox = report(report, a);
        assertThat(mailbox.failed()).isEmpty();
        assertThat(mailbox.skipped()).singleElement().satisfies(p -> {
            assertThat(p.uid()).isEqualTo(refusedUid);
            assertThat(p.folder()).isEqualTo(INBOX);
            assertThat(p.size()).isGreaterThan(SERVER_MAX_MESSAGE);
            // The server's own words, so support can tell which limit was hit.
            assertThat(p.reason()).startsWith("too large for the target").contains("larger than the maximum size");
        });
        VerifyReport verified = new Verifier(settings, FaultHarness.CLOCK).verify(List.of(a));
        assertThat(uids(verified.mailboxes().get(0).missing())).containsExactly(refusedUid);
        try (MailboxInspector neu = h.newBox(a)) {
            assertThat(neu.messages(INBOX)).hasSize(4);
            assertThat(neu.messages(SMALL)).hasSize(1);
        }
    }

    private static MailboxReport report(TransferReport report, BmaAddress mailbox) {
        return report.mailboxes().stream().filter(m -> m.mailbox().equals(mailbox)).findFirst().orElseThrow();
    }

    private static Set<Long> uids(List<MessageProblem> problems) {
        return problems.stream().map(MessageProblem::uid).collect(Collectors.toSet());
    }
}
