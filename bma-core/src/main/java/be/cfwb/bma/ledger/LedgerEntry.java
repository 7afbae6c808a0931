package be.cfwb.bma.ledger;

import be.cfwb.bma.address.BmaAddress;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a caller asks the ledger to record; the ledger adds the sequence number and time.
 * Built fluently: {@code LedgerEntry.of("mail.sent").mailbox(address).with("mail", "2")}.
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
