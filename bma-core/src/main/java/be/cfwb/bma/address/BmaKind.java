package be.cfwb.bma.address;

import java.util.Locale;
import java.util.Optional;

/**
 * The two kinds of administrative mailbox. Establishment and organising-body FASE numbers
 * are counted separately and overlap, so a number means nothing without its kind.
 */
public enum BmaKind {
    /** An establishment (établissement): {@code ec000000@adm.cfwb.be}. */
    EC("ec", "établissement"),
    /** An organising body (pouvoir organisateur): {@code po000000@adm.cfwb.be}. */
    PO("po", "pouvoir organisateur");

    private final String prefix;
    private final String label;

    BmaKind(String prefix, String label) {
        this.prefix = prefix;
        this.label = label;
    }

    /** The two lower-case letters that start the address. */
    public String prefix() {
        return prefix;
    }

    /** The French name of the kind, as the circular uses it. */
    public String label() {
        return label;
    }

    /** The kind whose prefix is {@code prefix}, ignoring case and surrounding spaces. */
    public static Optional<BmaKind> fromPrefix(String prefix) {
        if (prefix == null) {
            return Optional.empty();
        }
        String p = prefix.strip().toLowerCase(Locale.ROOT);
        for (BmaKind kind : values()) {
            if (kind.prefix.equals(p)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
