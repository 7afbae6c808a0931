package be.cfwb.bma.address;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which mailboxes a verb applies to: all of the inventory, or the listed addresses.
 * Parsed from {@code bma.mailboxes}: comma-separated full addresses or short forms
 * ({@code ec001394,po000478@adm.cfwb.be}).
 */
public final class MailboxSelection {

    private static final MailboxSelection ALL = new MailboxSelection(null);

    private final SortedSet<BmaAddress> addresses;

    private MailboxSelection(SortedSet<BmaAddress> addresses) {
        this.addresses = addresses;
    }

    public static MailboxSelection all() {
        return ALL;
    }

    public static MailboxSelection of(Collection<BmaAddress> addresses) {
        return new MailboxSelection(Collections.unmodifiableSortedSet(new TreeSet<>(addresses)));
    }

    /**
     * Parses a comma-separated list; blank or {@code null} means all. Every bad item is
     * reported together.
     */
    public static MailboxSelection parse(String list) {
        if (list == null || list.isBlank()) {
            return ALL;
        }
        SortedSet<BmaAddress> addresses = new TreeSet<>();
        List<String> errors = new ArrayList<>();
        for (String item : list.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            try {
                addresses.add(BmaAddress.parseLenient(item));
            } catch (BmaException e) {
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new BmaException(BmaErrorCode.INVALID_ADDRESS,
                    "bma.mailboxes has " + errors.size() + " invalid item(s): " + String.join("; ", errors));
        }
        return of(addresses);
    }

    public boolean isAll() {
        return addresses == null;
    }

    /** The listed addresses; empty for {@link #all()}. */
    public SortedSet<BmaAddress> addresses() {
        return addresses == null ? Collections.emptySortedSet() : addresses;
    }

    public boolean includes(BmaAddress address) {
        return addresses == null || addresses.contains(address);
    }

    @Override
    public String toString() {
        return isAll() ? "all mailboxes" : addresses.toString();
    }
}
