package be.cfwb.bma.ledger;

import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ledger's index: the last event of each kind decides a mailbox's step as its whole history
 * does, and the index saved beside a long ledger is used only while it matches the journal.
 */
class LedgerIndexTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T07:00:00Z"), ZoneOffset.UTC);
    private static final int MAILBOXES = 100;

    @TempDir
    Path dir;

    @Test
    void theLastEventOfEachKindGivesTheSameStepAndSinceAsTheWholeHistory() throws IOException {
        LedgerFormatTest.copyFixture(dir);
        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            for (BmaAddress m : ledger.mailboxes()) {
                List<LedgerEvent> history = ledger.history(m);
                List<LedgerEvent> kinds = ledger.lastOfEachKind(m);
                assertThat(kinds.size()).isLessThan(history.size());
                assertThat(MailboxStep.of(kinds)).isEqualTo(MailboxStep.of(history));
                assertThat(MailboxStep.lastStepEvent(kinds)).isEqualTo(MailboxStep.lastStepEvent(history));
                for (MailboxStep step : MailboxStep.values()) {
                    assertThat(kinds.stream().anyMatch(step::isReachedBy)).isEqualTo(history.stream().anyMatch(step::isReachedBy));
                }
            }
        }
    }

    @Test
    void aLongLedgerIsIndexedOnceThenOpenedFromItsIndexPlusTheLinesAppendedSince() throws IOException {
        long events = write(dir, 60);
        assertThat(events).isGreaterThan(Ledger.SNAPSHOT_EVERY);
        Path index = dir.resolve(IndexSnapshot.FILE);

        Snapshot whole;
        try (Ledger reader = Ledger.openReadOnly(dir, CLOCK)) {
            whole = Snapshot.of(reader);
        }
        assertThat(index).as("written by the first open that read the journal whole").exists();
        try (Ledger reader = Ledger.openReadOnly(dir, CLOCK)) {
            assertThat(Snapshot.of(reader)).isEqualTo(whole);
        }

        BmaAddress m = BmaAddress.of(BmaKind.EC, 1);
        try (Ledger writer = Ledger.open(dir, CLOCK)) {
            assertThat(Snapshot.of(writer)).isEqualTo(whole);
            writer.append(LedgerEntry.of(new Event.Verified(true, 3, 3, 0, 0, 0)).mailbox(m));
            assertThat(writer.size()).isEqualTo(events + 1);
        }
        try (Ledger reader = Ledger.openReadOnly(dir, CLOCK)) {
            assertThat(reader.size()).isEqualTo(events + 1);
            assertThat(MailboxStep.of(reader.lastOfEachKind(m))).isEqualTo(MailboxStep.VERIFIED);
            assertThat(reader.history(m)).hasSize(61);
        }

        // A journal restored from elsewhere: the saved index no longer matches and is not used.
        Files.delete(dir.resolve(Ledger.JOURNAL));
        long fewer = write(dir, 2);
        try (Ledger reader = Ledger.openReadOnly(dir, CLOCK)) {
            assertThat(reader.size()).isEqualTo(fewer);
            assertThat(reader.history(m)).hasSize(2);
        }
    }

    @Test
    void anIndexOfAnotherVersionIsIgnoredAndWrittenAgainInThisOne() throws IOException {
        long events = write(dir, 60);
        Path index = dir.resolve(IndexSnapshot.FILE);
        Snapshot whole;
        try (Ledger reader = Ledger.openReadOnly(dir, CLOCK)) {
            whole = Snapshot.of(reader);
        }
        // What the first version wrote: its magic, then data this version cannot read as its own.
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(index))) {
            out.writeUTF("bma-ledger-index/1");
            out.writeLong(Files.size(dir.resolve(Ledger.JOURNAL)));
            out.writeLong(events);
        }
        try (Ledger reader = Ledger.openReadOnly(dir, CLOCK)) {
            assertThat(Snapshot.of(reader)).isEqualTo(whole);
        }
        try (DataInputStream in = new DataInputStream(Files.newInputStream(index))) {
            assertThat(new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8))
                    .as("rebuilt by the open that read the journal whole").isEqualTo(IndexSnapshot.MAGIC);
        }
        try (Ledger reader = Ledger.openReadOnly(dir, CLOCK)) {
            assertThat(Snapshot.of(reader)).isEqualTo(whole);
        }
    }

    @Test
    void aHistoryIsReadFromTheIndexItWasOpenedWithEvenAfterANewerOneReplacedIt() throws IOException {
        long events = write(dir, 60);
        BmaAddress m = BmaAddress.of(BmaKind.EC, 42);
        List<LedgerEvent> expected;
        try (Ledger first = Ledger.openReadOnly(dir, CLOCK)) {
            expected = first.history(m); // read whole: writes the index
        }
        Path index = dir.resolve(IndexSnapshot.FILE);
        List<LedgerEvent> view;
        try (Ledger early = Ledger.openReadOnly(dir, CLOCK)) {
            Ledger reader = Ledger.openReadOnly(dir, CLOCK);
            view = reader.historyView(m);
            assertThat(early.history(m)).as("read before the index is replaced").isEqualTo(expected);
            // Another process appends and a reader saves a newer index in its place.
            long seq = events;
            try (BufferedWriter out = Files.newBufferedWriter(dir.resolve(Ledger.JOURNAL), StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND)) {
                for (int i = 0; i < Ledger.SNAPSHOT_EVERY; i++) {
                    Event e = new Event.FolderSynced("G", 1, i, "final");
                    out.write(Ledger.toJson(new LedgerEvent(++seq, CLOCK.instant(), e.type(), Optional.of(m), e.data())));
                    out.write('\n');
                }
            }
            byte[] before = Files.readAllBytes(index);
            try (Ledger later = Ledger.openReadOnly(dir, CLOCK)) {
                assertThat(later.history(m)).hasSize(expected.size() + Ledger.SNAPSHOT_EVERY);
            }
            assertThat(Files.readAllBytes(index)).as("replaced by a newer index").isNotEqualTo(before);

            try {
                assertThat(reader.history(m)).as("the journal as it was when opened").isEqualTo(expected);
            } finally {
                reader.close();
            }
            assertThat(early.history(m)).isEqualTo(expected);
        }
        Files.delete(index);
        assertThat(view).as("a view read after its ledger was closed and its index deleted").isEqualTo(expected);
    }

    /** A ledger of {@code perMailbox} folder syncs for each of 100 mailboxes, written as the ledger writes it. */
    private static long write(Path dir, int perMailbox) throws IOException {
        long seq = 0;
        try (BufferedWriter out = Files.newBufferedWriter(dir.resolve(Ledger.JOURNAL), StandardCharsets.UTF_8)) {
            for (int round = 0; round < perMailbox; round++) {
                for (int i = 1; i <= MAILBOXES; i++) {
                    BmaAddress m = BmaAddress.of(BmaKind.EC, i);
                    Event e = round == 0 ? new Event.MailboxProvisioned()
                            : new Event.FolderSynced("F" + (round % 7), 1, round, "prestage");
                    out.write(Ledger.toJson(new LedgerEvent(++seq, CLOCK.instant(), e.type(), Optional.of(m), e.data())));
                    out.write('\n');
                }
            }
        }
        return seq;
    }

    private record Snapshot(long size, List<LedgerEvent> kinds, List<LedgerEvent> history, List<LedgerEvent> events) {
        static Snapshot of(Ledger ledger) {
            BmaAddress m = BmaAddress.of(BmaKind.EC, 42);
            return new Snapshot(ledger.size(), ledger.lastOfEachKind(m), ledger.history(m), ledger.events());
        }
    }
}
