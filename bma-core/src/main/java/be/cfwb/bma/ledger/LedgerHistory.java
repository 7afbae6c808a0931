package be.cfwb.bma.ledger;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * One mailbox's history, oldest first, read from the journal when first used and kept: a status
 * of thousands of mailboxes does not read thousands of histories nobody looks at. Valid after
 * the ledger is closed (the lines it points to never change: the journal only grows). Immutable.
 */
public final class LedgerHistory extends AbstractList<LedgerEvent> implements RandomAccess {

    private final Path journal;
    private final long[] offsets;
    private final int[] lengths;
    private List<LedgerEvent> events;

    LedgerHistory(Path journal, long[] offsets, int[] lengths) {
        this.journal = journal;
        this.offsets = offsets;
        this.lengths = lengths;
    }

    @Override
    public LedgerEvent get(int index) {
        return events().get(index);
    }

    @Override
    public int size() {
        return offsets.length;
    }

    private synchronized List<LedgerEvent> events() {
        if (events == null) {
            try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.READ)) {
                events = List.copyOf(JournalFile.readLines(channel, journal, offsets, lengths, offsets.length));
            } catch (IOException e) {
                throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, "Ledger " + journal + " cannot be read: "
                        + e.getMessage(), e);
            }
        }
        return events;
    }
}
