package be.cfwb.bma.ledger;

import be.cfwb.bma.address.BmaAddress;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One thing that was done, as the ledger keeps it.
 *
 * @param sequence position in the ledger, from 1; assigned on append
 * @param at       when it was recorded
 * @param type     what happened, a dotted name such as {@code mail.sent} or {@code copy.folder.done}
 * @param mailbox  the mailbox it concerns, empty for run-wide events
 * @param data     details, as text; never a secret (see {@link Ledger#append})
 */
public record LedgerEvent(long sequence, Instant at, String type, Optional<BmaAddress> mailbox,
                          SortedMap<String, String> data) {

    public LedgerEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(type, "type");
        if (type.isBlank()) {
            throw new IllegalArgumentException("event type is blank");
        }
        mailbox = mailbox == null ? Optional.empty() : mailbox;
        data = Collections.unmodifiableSortedMap(new TreeMap<>(data == null ? Map.of() : data));
    }

    /** The value of {@code key}, or empty. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(data.get(key));
    }

    /** What happened, typed ({@link EventCodec}); {@link Event.Other} for a type this version does not type. */
    public Event event() {
        return EventCodec.decode(type, data);
    }

    /** True if this event concerns {@code address}. */
    public boolean concerns(BmaAddress address) {
        return mailbox.filter(address::equals).isPresent();
    }
}
