package be.cfwb.bma.ledger;

import be.cfwb.bma.address.BmaAddress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
        /** Set only by a full scan ({@link Ledger#events}), which wants the events themselves. */
        List<LedgerEvent> collected;

        void add(LedgerEvent event, long offset, int length) {
            count++;
            if (collected != null) {
                collected.add(event);
                return;
            }
            Track track = event.mailbox().isPresent()
                    ? byMailbox.computeIfAbsent(event.mailbox().get(), m -> new Track()) : runWide;
            track.add(event, offset, length);
        }

        Index() {
        }
    }

    static final class Track {
        long[] offsets = new long[4];
        int[] lengths = new int[4];
        int size;
        final Map<String, LedgerEvent> last = new HashMap<>();

        void restore(long[] offsets, int[] lengths, int size, Map<String, LedgerEvent> last) {
            this.offsets = offsets.length == 0 ? new long[4] : offsets;
            this.lengths = lengths.length == 0 ? new int[4] : lengths;
            this.size = size;
            this.last.putAll(last);
        }

        void add(LedgerEvent event, long offset, int length) {
            if (size == offsets.length) {
                offsets = Arrays.copyOf(offsets, size * 2);
                lengths = Arrays.copyOf(lengths, size * 2);
            }
            offsets[size] = offset;
            lengths[size] = length;
            size++;
            last.put(EventCodec.kind(event.event()), event);
        }

        List<LedgerEvent> lastOfEachKind() {
            List<LedgerEvent> events = new ArrayList<>(last.values());
            events.sort(Comparator.comparingLong(LedgerEvent::sequence));
            return events;
        }
    }

}
