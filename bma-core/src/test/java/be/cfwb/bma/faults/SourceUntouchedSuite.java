package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The old mailbox is never modified: its complete state ({@link SourceSnapshot}: folders,
 * UIDVALIDITY, UIDNEXT, UIDs, flags, internal dates, sizes, SHA-256 of the bytes) is the same
 * before and after a whole migration (pre-stage, final pass, verification, rerun). Unread
 * messages are the sharp test: a FETCH of BODY[] instead of BODY.PEEK[] would mark them read.
 */
abstract class SourceUntouchedSuite extends TwoServerTestBase<MailServerFixture, MailServerFixture> {

    private BmaAddress seeded() {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            Instant t = Instant.parse("2024-09-02T08:00:00Z");
            s.append(FolderPath.inbox(), TestMessage.builder().subject("non lu").messageId("u1@x").build(), flags(), t);
            s.append(FolderPath.inbox(), TestMessage.builder().subject("non lu 2").build(), flags("$Important"), t.plusSeconds(60));
            s.append(FolderPath.inbox(), TestMessage.builder().subject("lu").messageId("r1@x").build(),
                    flags("\\Seen", "\\Answered"), t.plusSeconds(120));
            s.append(FolderPath.of("INBOX", "Projets"), TestMessage.builder().subject("brouillon").attachment(5_000, 3).build(),
                    flags("\\Draft"), t.plusSeconds(180));
            s.append(FolderPath.of("Archives", "2023"), TestMessage.builder().subject("archive").build(),
                    flags("\\Flagged", "$Forwarded"), t.minusSeconds(86_400 * 300));
            s.folder(FolderPath.of("Vide"));
        }
        return a;
    }

    private SourceSnapshot snapshot(BmaAddress a) {
        return SourceSnapshot.take(oldServer.imapEndpoint(), a.toString(), FaultHarness.password(a));
    }

    @Test
    void aWholeMigrationLeavesTheOldMailboxExactlyAsItWas() {
        BmaAddress a = seeded();
        SourceSnapshot before = snapshot(a);
        assertThat(before.messageCount()).isEqualTo(5);
        assertThat(snapshot(a)).as("taking a snapshot changes nothing").isEqualTo(before);

        TransferSettings settings = h.settings(temp).build();
        TransferReport prestage = FaultHarness.run(settings, ledger, Pass.PRESTAGE, a);
        assertThat(prestage.isComplete()).as(prestage.summary()).isTrue();
        // the rerun's path: folder statuses only (LIST-STATUS or a STATUS per folder), no EXAMINE
        TransferReport rerun = FaultHarness.run(settings, ledger, Pass.PRESTAGE, a);
        assertThat(rerun.isComplete()).as(rerun.summary()).isTrue();
        assertThat(rerun.found()).as(rerun.summary()).isZero();
        TransferReport fin = FaultHarness.run(settings, ledger, Pass.FINAL, a);
        assertThat(fin.isComplete()).as(fin.summary()).isTrue();
        h.assertVerified(temp, a);
        FaultHarness.run(settings, ledger, Pass.FINAL, a);

        assertThat(snapshot(a)).isEqualTo(before);
    }

    @Test
    void theSnapshotSeesASingleFlagChange() {
        // proves the comparison above can fail: marking one message read changes the snapshot
        BmaAddress a = seeded();
        SourceSnapshot before = snapshot(a);
        try (MailboxSeeder s = h.seeder(a)) {
            s.setFlags(FolderPath.inbox(), 1, flags("\\Seen"));
        }
        assertThat(snapshot(a)).isNotEqualTo(before);
    }
}
