package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Process death on the batched paths and on the final pass, Dovecot to Dovecot (Dovecot offers
 * MULTIAPPEND, so a batch of copies really is one command): a child JVM
 * ({@link KilledMigrationChild}) is killed with SIGKILL while a multi-message {@code UID FETCH}
 * is unanswered, while a small folder's listing with its bodies is unanswered, halfway through the last literal of a MULTIAPPEND, while the next folder is
 * listed ahead (the first folder's copies made, its mark not recorded), and during the final pass
 * (mid-APPEND, and between an APPEND and its ledger record). A rerun in this JVM completes; the
 * Verifier finds every message exactly once with its bytes and flags. Skipped without Dovecot.
 */
@RequiresDovecot
class KilledBatchedAndFinalPassTest extends TwoServerTestBase<MailServerFixture, MailServerFixture> {

    private static final int COUNT = 6;
    private static final FolderPath INBOX = FolderPath.inbox();

    @Override
    protected MailServerFixture startOld() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }

    @Override
    protected MailServerFixture startNew() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }

    private BmaAddress seeded(int from, int count) {
        BmaAddress a = h.newMailbox();
        seed(a, from, count);
        return a;
    }

    private void seed(BmaAddress a, int from, int count) {
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = from; i < from + count; i++) {
                s.append(INBOX, TestMessage.builder().subject("m" + i).messageId("kb" + i + "@x")
                        .attachment(8_000, i).build(), i % 2 == 0 ? flags("\\Seen") : flags(),
                        Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
        }
    }

    /** A new mailbox whose INBOX holds {@code count} messages of about 400 kB, named after {@code prefix}. */
    private BmaAddress seededLarge(int count, String prefix) {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < count; i++) {
                s.append(INBOX, TestMessage.builder().subject(prefix + i).messageId("k" + prefix + i + "@x")
                        .attachment(300_000, i).build(), i % 2 == 0 ? flags("\\Seen") : flags(),
                        Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
        }
        return a;
    }

    /** Runs the child until it announces {@code point}, kills it there, and returns its output. */
    private List<String> killAt(String point, BmaAddress a, Path ledgerDir, Pass pass) throws Exception {
        return KillPoint.killAt(point, KilledMigrationChild.class, oldServer.imapEndpoint().toString(),
                newServer.imapEndpoint().toString(), ledgerDir.toString(), temp.resolve("spool").toString(), point,
                a.toString(), pass == Pass.FINAL ? "final" : "prestage");
    }

    private int copies(BmaAddress a) {
        try (MailboxInspector neu = h.newBox(a)) {
            return neu.messages(INBOX).size();
        }
    }

    /** The rerun after the kill: complete, only what was missing copied, every message once, byte for byte. */
    private void rerunCompletes(BmaAddress a, Path ledgerDir, Pass pass, int total, int before) {
        TransferReport rerun;
        try (Ledger l = Ledger.open(ledgerDir, FaultHarness.CLOCK)) {
            rerun = FaultHarness.run(h.settings(temp.resolve("spool")).build(), l, pass, a);
        }
        assertThat(rerun.isComplete()).as(rerun.summary()).isTrue();
        assertThat(rerun.copied()).as("only what the killed run had not stored").isEqualTo(total - before);
        h.assertVerified(temp, a);
        assertThat(h.assertCopiedByteForByte(a, INBOX)).isEqualTo(total);
    }

    @Test
    void killedDuringABatchedUidFetch() throws Exception {
        // 6 messages of about 400 kB: over the 2 MB a folder may be read with its listing, so
        // its messages are read after it, several at a time.
        BmaAddress a = seededLarge(COUNT, "b");
        Path ledgerDir = temp.resolve("ledger-fetch-batch");

        killAt("fetch-batch", a, ledgerDir, Pass.PRESTAGE);

        int before = KillPoint.settled(() -> copies(a));
        assertThat(before).as("the batch read is the first read: nothing copied before it").isZero();
        rerunCompletes(a, ledgerDir, Pass.PRESTAGE, COUNT, before);
    }

    @Test
    void killedWhileASmallFolderIsListedWithItsBodies() throws Exception {
        BmaAddress a = seeded(0, COUNT);
        Path ledgerDir = temp.resolve("ledger-fetch-with-listing");

        killAt("fetch-with-listing", a, ledgerDir, Pass.PRESTAGE);

        int before = KillPoint.settled(() -> copies(a));
        assertThat(before).as("the folder's listing is its first read: nothing copied before it").isZero();
        rerunCompletes(a, ledgerDir, Pass.PRESTAGE, COUNT, before);
    }

    @Test
    void killedHalfwayThroughTheSecondBatchOfAUidFetch() throws Exception {
        // 14 messages of about 400 kB: batches of about 2 MiB, so several; killed with the second half received.
        int total = 14;
        BmaAddress a = seededLarge(total, "h");
        Path ledgerDir = temp.resolve("ledger-fetch-batch-half");

        killAt("fetch-batch-half", a, ledgerDir, Pass.PRESTAGE);

        int before = KillPoint.settled(() -> copies(a));
        assertThat(before).as("at most the first batch copied before the kill").isLessThan(total / 2);
        rerunCompletes(a, ledgerDir, Pass.PRESTAGE, total, before);
    }

    @Test
    void killedWhileTheNextFolderIsListedAhead() throws Exception {
        BmaAddress a = seeded(0, COUNT);
        FolderPath next = FolderPath.of("Suite");
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < COUNT; i++) {
                s.append(next, TestMessage.builder().subject("n" + i).messageId("kn" + i + "@x").attachment(8_000, 100 + i)
                        .build(), flags("\\Flagged"), Instant.parse("2024-10-02T08:00:00Z").plusSeconds(i));
            }
        }
        Path ledgerDir = temp.resolve("ledger-listahead");

        killAt("listahead", a, ledgerDir, Pass.PRESTAGE);

        int before = KillPoint.settled(() -> copies(a));
        try (MailboxInspector neu = h.newBox(a)) {
            assertThat(neu.messages(next)).as("nothing of the folder listed ahead copied yet").isEmpty();
        }
        // The first folder's copies may all be on the target; its mark is not recorded (the
        // folder ends only once its reader has): the rerun finds them by their trace.
        TransferReport rerun;
        try (Ledger l = Ledger.open(ledgerDir, FaultHarness.CLOCK)) {
            rerun = FaultHarness.run(h.settings(temp.resolve("spool")).build(), l, Pass.PRESTAGE, a);
        }
        assertThat(rerun.isComplete()).as(rerun.summary()).isTrue();
        assertThat(rerun.copied()).as("only what the killed run had not stored").isEqualTo(2 * COUNT - before);
        assertThat(rerun.alreadyPresent()).as(rerun.summary()).isEqualTo(before);
        h.assertVerified(temp, a);
        assertThat(h.assertCopiedByteForByte(a, INBOX)).isEqualTo(COUNT);
        assertThat(h.assertCopiedByteForByte(a, next)).isEqualTo(COUNT);
    }

    @Test
    void killedHalfwayThroughAMultiappend() throws Exception {
        BmaAddress a = seeded(0, COUNT);
        Path ledgerDir = temp.resolve("ledger-multiappend");

        List<String> output = killAt("multiappend", a, ledgerDir, Pass.PRESTAGE);

        assertThat(output).as("a batch of copies went out as one APPEND").anyMatch(l -> l.startsWith("MULTIAPPEND of "));
        int batch = output.stream().filter(l -> l.startsWith("MULTIAPPEND of ")).findFirst()
                .map(l -> Integer.parseInt(l.substring("MULTIAPPEND of ".length()))).orElseThrow();
        // a MULTIAPPEND cut halfway stores none of its messages; only those appended alone before it are there
        int before = KillPoint.settled(() -> copies(a));
        assertThat(batch).isGreaterThanOrEqualTo(2);
        assertThat(before).as("copies before the kill").isLessThanOrEqualTo(COUNT - batch);
        rerunCompletes(a, ledgerDir, Pass.PRESTAGE, COUNT, before);
    }

    @Test
    void killedMidAppendOnTheFinalPass() throws Exception {
        finalPassKilledAt("append");
    }

    @Test
    void killedBetweenAnAppendAndItsLedgerRecordOnTheFinalPass() throws Exception {
        finalPassKilledAt("ledger");
    }

    private void finalPassKilledAt(String point) throws Exception {
        BmaAddress a = seeded(0, COUNT);
        Path ledgerDir = temp.resolve("ledger-final-" + point);
        try (Ledger l = Ledger.open(ledgerDir, FaultHarness.CLOCK)) {
            TransferReport prestage = FaultHarness.run(h.settings(temp.resolve("spool")).build(), l, Pass.PRESTAGE, a);
            assertThat(prestage.isComplete()).as(prestage.summary()).isTrue();
        }
        // between the passes: four new messages, and a flag changed on the old server
        seed(a, COUNT, 4);
        try (MailboxSeeder s = h.seeder(a)) {
            s.setFlags(INBOX, 2, flags("\\Seen", "\\Flagged"));
        }

        killAt(point, a, ledgerDir, Pass.FINAL);

        int before = KillPoint.settled(() -> copies(a));
        assertThat(before).as("copies before the kill").isBetween(COUNT + 2, COUNT + 3);
        rerunCompletes(a, ledgerDir, Pass.FINAL, COUNT + 4, before);
    }
}
