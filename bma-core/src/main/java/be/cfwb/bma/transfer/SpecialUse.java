package be.cfwb.bma.transfer;

import java.util.Locale;
import java.util.Optional;

/**
 * The well-known folders every mail system has, as RFC 6154 SPECIAL-USE names them (and
 * the INBOX). A target resolves each to its own folder: Exchange's Sent Items, Deleted Items,
 * Drafts, Junk Email, Inbox, whatever the mailbox's language calls them.
 */
public enum SpecialUse {
    INBOX(null, "Inbox"),
    SENT("\\Sent", "Sent Items"),
    DRAFTS("\\Drafts", "Drafts"),
    TRASH("\\Trash", "Deleted Items"),
    JUNK("\\Junk", "Junk Email");

    private final String attribute;
    private final String exchangeName;

    SpecialUse(String attribute, String exchangeName) {
        this.attribute = attribute;
        this.exchangeName = exchangeName;
    }

    /** The IMAP LIST attribute, e.g. {@code \Sent}; empty for INBOX, which is a name. */
    public Optional<String> attribute() {
        return Optional.ofNullable(attribute);
    }

    /** Exchange's English name of this folder. */
    public String exchangeName() {
        return exchangeName;
    }

    /** The special use an IMAP LIST attribute denotes, if any (case-insensitive). */
    public static Optional<SpecialUse> ofAttribute(String attribute) {
        for (SpecialUse u : values()) {
            if (u.attribute != null && u.attribute.toLowerCase(Locale.ROOT).equals(attribute.toLowerCase(Locale.ROOT))) {
                return Optional.of(u);
            }
        }
        return Optional.empty();
    }
}
