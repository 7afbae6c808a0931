package be.cfwb.bma.ledger;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.io.IOException;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * One mailbox's history, oldest first, read from the journal when first used and kept: a status
 * of thousands of mailboxes does not read thousands of histories nobody looks at. Valid after
 * the ledger is closed (the lines it points to never change: the journal only grows). Immutable.
 */
public final class LedgerHistory extends AbstractList<LedgerEvent> implements RandomAccess {

    private final HistorySource source;
    private List<LedgerEvent> events;

    LedgerHistory(HistorySource source) {
        this.source = source;
    }

    @Override
    public LedgerEvent get(int index) {
        return events().get(index);
    }

    @Override
    public int size() {
        return source.size();
    }

    private synchronized List<LedgerEvent> events() {
        if (events == null) {
            try {
                events = List.copyOf(source.read(null));
            } catch (IOException e) {
                throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, "Ledger " + source.journal() + " cannot be read: "
                        + e.getMessage(), e);
            }
        }
        return events;
    }
}
