package be.cfwb.bma.address;

import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.Collections;

/**
 * One administrative mailbox to migrate, as the inventory describes it.
 *
 * @param address        the BMA address, its identity
 * @param name           the establishment's or organising body's name
 * @param network        the network (réseau), empty when unknown
 * @param levels         the levels of teaching (Fondamental, Secondaire...), empty when unknown
 * @param postalCode     postal code, empty when unknown
 * @param commune        commune, empty when unknown
 * @param organisingBody for an establishment, the address of its organising body
 * @param constraints    planning constraints given by the inventory
 * @param notes          free text for ops, never interpreted
 */
public record Mailbox(
        BmaAddress address,
        String name,
        String network,
        SortedSet<String> levels,
        String postalCode,
        String commune,
        Optional<BmaAddress> organisingBody,
        MailboxConstraints constraints,
        String notes) implements Comparable<Mailbox> {

    public Mailbox {
        Objects.requireNonNull(address, "address");
        name = Objects.requireNonNull(name, "name").strip();
        network = orEmpty(network);
        levels = Collections.unmodifiableSortedSet(new TreeSet<>(levels == null ? Collections.emptySortedSet() : levels));
        postalCode = orEmpty(postalCode);
        commune = orEmpty(commune);
        organisingBody = organisingBody == null ? Optional.empty() : organisingBody;
        constraints = constraints == null ? MailboxConstraints.NONE : constraints;
        notes = orEmpty(notes);
    }

    /** A mailbox known only by its address and name. */
    public static Mailbox of(BmaAddress address, String name) {
        return new Mailbox(address, name, "", null, "", "", Optional.empty(), MailboxConstraints.NONE, "");
    }

    public BmaKind kind() {
        return address.kind();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s.strip();
    }

    @Override
    public int compareTo(Mailbox other) {
        return address.compareTo(other.address);
    }
}
