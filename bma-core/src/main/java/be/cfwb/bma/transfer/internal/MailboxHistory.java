package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.transfer.FolderPath;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the ledger remembers of one mailbox's earlier passes: the high-water marks and the servers'
 * traits. Thread-safe: the folder workers of a mailbox share it.
 */
final class MailboxHistory {

    /** The last UIDVALIDITY of a folder and the highest UID done under it. */
    record HighWater(long uidValidity, long highestUid) {
    }

    private final Ledger ledger;
    private final BmaAddress mailbox;
    private Map<String, HighWater> highWaters;

    MailboxHistory(Ledger ledger, BmaAddress mailbox) {
        this.ledger = ledger;
        this.mailbox = mailbox;
    }

    /** The passes of this mailbox the ledger recorded, oldest first (the last of each pass and outcome). */
    List<Event.PassDone> passes() {
        return ledger.lastOfEachKind(mailbox).stream().map(LedgerEvent::event)
                .filter(Event.PassDone.class::isInstance).map(Event.PassDone.class::cast).toList();
    }

    /** The target's reserved name character as the last pass of this mailbox recorded it, if one did. */
    Optional<Optional<Character>> recordedReserved() {
        Optional<Optional<Character>> found = Optional.empty();
        for (Event.PassDone e : passes()) {
            Optional<String> r = e.targetReserved();
            if (r.isPresent()) {
                found = Optional.of(r.get().isEmpty() ? Optional.empty() : Optional.of(r.get().charAt(0)));
            }
        }
        return found;
    }

    /** The old server's personal namespace as the last pass of this mailbox recorded it, if one did. */
    Optional<Optional<FolderPath>> recordedNamespace() {
        Optional<Optional<FolderPath>> found = Optional.empty();
        for (Event.PassDone e : passes()) {
            Optional<String> n = e.sourceNamespace();
            if (n.isPresent()) {
                found = Optional.of(n.get().isEmpty() ? Optional.empty() : Optional.of(FolderPath.decode(n.get())));
            }
        }
        return found;
    }

    /** The last recorded UIDVALIDITY and highest UID done of a folder; the ledger is scanned once per mailbox. */
    synchronized Optional<HighWater> highWater(FolderPath folder) {
        if (highWaters == null) {
            highWaters = new HashMap<>();
            // The ledger keeps the last synced event of each folder in memory: no scan.
            for (LedgerEvent e : ledger.lastOfEachKind(mailbox)) {
                if (e.event() instanceof Event.FolderSynced synced) {
                    highWaters.put(synced.folder(), new HighWater(synced.uidValidity(), synced.highestUid()));
                }
            }
        }
        return Optional.ofNullable(highWaters.get(folder.encoded()));
    }

    /** Every folder an earlier pass synced, as the ledger recorded it (also those the old server no longer has). */
    synchronized List<FolderPath> recordedFolders() {
        highWater(FolderPath.inbox());
        return highWaters.keySet().stream().map(FolderPath::decode).toList();
    }
}
