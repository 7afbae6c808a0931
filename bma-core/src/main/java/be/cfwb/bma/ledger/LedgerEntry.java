package be.cfwb.bma.ledger;

import be.cfwb.bma.address.BmaAddress;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a caller asks the ledger to record; the ledger adds the sequence number and time.
 * Built from a typed event: {@code LedgerEntry.of(new Event.CutoverRecorded("ops")).mailbox(address)}; the
 * text form {@code LedgerEntry.of("x.y").with("key", value)} stays for events not typed yet.
 */
public final class LedgerEntry {

    private final String type;
    private BmaAddress mailbox;
    private final SortedMap<String, String> data = new TreeMap<>();

    private LedgerEntry(String type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    public static LedgerEntry of(String type) {
        return new LedgerEntry(type);
    }

    /** An entry recording {@code event}, in its {@link EventCodec} form. */
    public static LedgerEntry of(Event event) {
        LedgerEntry entry = new LedgerEntry(event.type());
        entry.data.putAll(EventCodec.encode(event));
        return entry;
    }

    public LedgerEntry mailbox(BmaAddress address) {
        this.mailbox = address;
        return this;
    }

    public LedgerEntry with(String key, Object value) {
        data.put(Objects.requireNonNull(key, "key"), String.valueOf(value));
        return this;
    }

    public LedgerEntry withAll(Map<String, ?> values) {
        values.forEach(this::with);
        return this;
    }

    String type() {
        return type;
    }

    Optional<BmaAddress> mailbox() {
        return Optional.ofNullable(mailbox);
    }

    SortedMap<String, String> data() {
        return data;
    }
}
