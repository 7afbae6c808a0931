package be.cfwb.bma.ledger;

import be.cfwb.bma.address.BmaAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where one mailbox's history is: the offsets of its first lines in the index snapshot (not held
 * in memory: a status of thousands of mailboxes needs none of them), and those of the lines
 * appended since. If the snapshot was replaced before it was read (another process saved a newer
 * one), the journal up to the snapshot's length is scanned for the mailbox instead: slower, same events.
 */
final class HistorySource {

    private static final Logger LOG = LoggerFactory.getLogger(HistorySource.class);

    private final Path journal;
    private final IndexSnapshot.Stored stored;
    private final Optional<BmaAddress> mailbox;
    private final int storedCount;
    private final long storedAt;
    private final long[] offsets;
    private final int[] lengths;

    HistorySource(Path journal, IndexSnapshot.Stored stored, Optional<BmaAddress> mailbox, int storedCount, long storedAt,
                  long[] offsets, int[] lengths) {
        this.journal = journal;
        this.stored = stored;
        this.mailbox = mailbox;
        this.storedCount = storedCount;
        this.storedAt = storedAt;
        this.offsets = offsets;
        this.lengths = lengths;
    }

    Path journal() {
        return journal;
    }

    int size() {
        return storedCount + offsets.length;
    }

    /** The events, oldest first, read through {@code channel} (the journal, open) or, if null, a channel of its own. */
    List<LedgerEvent> read(FileChannel channel) throws IOException {
        if (channel == null) {
            try (FileChannel own = FileChannel.open(journal, StandardOpenOption.READ)) {
                return read(own);
            }
        }
        List<LedgerEvent> events = new ArrayList<>(size());
        if (storedCount > 0) {
            Optional<byte[]> entries = stored.entries(storedAt, storedCount);
            if (entries.isPresent()) {
                long[] before = new long[storedCount];
                int[] beforeLengths = new int[storedCount];
                ByteBuffer b = ByteBuffer.wrap(entries.get());
                for (int i = 0; i < storedCount; i++) {
                    before[i] = b.getLong();
                    beforeLengths[i] = b.getInt();
                }
                events.addAll(JournalFile.readLines(channel, journal, before, beforeLengths, storedCount));
            } else {
                LOG.info("Ledger index {} was replaced since it was read; scanning {} for the history", stored.file(), journal);
                JournalIndex.Index scan = new JournalIndex.Index();
                scan.collected = events;
                scan.keep = e -> e.mailbox().equals(mailbox);
                JournalFile.load(channel, 0, stored.length(), journal, journal.getParent(), scan, false, new long[1]);
            }
        }
        events.addAll(JournalFile.readLines(channel, journal, offsets, lengths, offsets.length));
        return events;
    }
}
