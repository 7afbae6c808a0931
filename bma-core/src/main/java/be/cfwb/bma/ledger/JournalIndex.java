package be.cfwb.bma.ledger;

import be.cfwb.bma.address.BmaAddress;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** The JSON Lines journal's index in memory: where each mailbox's lines are, and the last event of each kind. */
final class JournalIndex {

    private JournalIndex() {
    }

    /** Where each mailbox's lines are, and the last event of each kind; never the whole journal. */
    static final class Index {
        final Map<BmaAddress, Track> byMailbox = new HashMap<>();
        Track runWide = new Track();
        long count;
        /** The journal length the index was read from a snapshot up to (0 without one), and its events. */
        long length;
        long snapshotCount;
        /** The snapshot holding the offsets of the events up to {@link #length}, read only for a history; null without one. */
        IndexSnapshot.Stored stored;
        /** Set only by a full scan ({@link Ledger#events}), which wants the events themselves: those {@link #keep} accepts. */
        List<LedgerEvent> collected;
        Predicate<LedgerEvent> keep = e -> true;

        void add(LedgerEvent event, long offset, int length) {
            count++;
            if (collected != null) {
                if (keep.test(event)) {
                    collected.add(event);
                }
                return;
            }
            Track track = event.mailbox().isPresent()
                    ? byMailbox.computeIfAbsent(event.mailbox().get(), m -> new Track()) : runWide;
            track.add(event, offset, length);
        }

        /** Where to read the history of {@code track}'s mailbox from, as it is now. */
        HistorySource source(Path journal, Track track, Optional<BmaAddress> mailbox) {
            return new HistorySource(journal, stored, mailbox, track.stored, track.storedAt,
                    Arrays.copyOf(track.offsets, track.size), Arrays.copyOf(track.lengths, track.size));
        }

        Index() {
        }
    }

    /**
     * One mailbox's lines: the first {@link #stored} are in the index snapshot (from entry
     * {@link #storedAt} of its offsets section), read only when a history is asked for; the lines
     * appended since are held here.
     */
    static final class Track {
        int stored;
        long storedAt;
        long[] offsets = new long[4];
        int[] lengths = new int[4];
        int size;
        final Map<String, LedgerEvent> last = new HashMap<>();
        private List<LedgerEvent> sorted;

        void add(LedgerEvent event, long offset, int length) {
            if (size == offsets.length) {
                offsets = Arrays.copyOf(offsets, Math.max(4, size * 2));
                lengths = Arrays.copyOf(lengths, Math.max(4, size * 2));
            }
            offsets[size] = offset;
            lengths[size] = length;
            size++;
            last.put(EventCodec.kind(event.event()), event);
            sorted = null;
        }

        /** All the lines' events, in the snapshot or not. */
        int total() {
            return stored + size;
        }

        List<LedgerEvent> lastOfEachKind() {
            if (sorted == null) {
                List<LedgerEvent> events = new ArrayList<>(last.values());
                events.sort(Comparator.comparingLong(LedgerEvent::sequence));
                sorted = List.copyOf(events);
            }
            return sorted;
        }
    }

}
