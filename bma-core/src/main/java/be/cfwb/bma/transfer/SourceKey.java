package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The identity of one source message: mailbox, folder, UIDVALIDITY and UID. IMAP guarantees
 * that this quadruple names one message for ever, so a message carrying it on the target
 * (trace header {@value #HEADER} on IMAP, an extended property on Graph) proves that it was
 * copied, whatever happened after the copy. Two identical messages in the source have two
 * keys and are both copied.
 *
 * <p>Canonical form ({@link #toString()}, the header value): {@code v=1; m=<mailbox>;
 * f=<encoded folder>; uv=<uidvalidity>; uid=<uid>}, with the folder as
 * {@link FolderPath#encoded()} (pure ASCII, no spaces or {@code ;}).
 */
public record SourceKey(BmaAddress mailbox, FolderPath folder, long uidValidity, long uid) {

    /** The trace header carrying the key on IMAP targets. */
    public static final String HEADER = "X-BMA-Source";

    public SourceKey {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(folder, "folder");
        if (uidValidity <= 0 || uidValidity > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("UIDVALIDITY out of range: " + uidValidity);
        }
        if (uid <= 0 || uid > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("UID out of range: " + uid);
        }
    }

    /** The header line, with CRLF, exactly as prepended to the message on IMAP targets. */
    public String headerLine() {
        return HEADER + ": " + this + "\r\n";
    }

    /**
     * Parses the canonical form, tolerating folding whitespace; empty if {@code value} is not a
     * key of a version this code knows (a foreign or damaged header is not ours to trust).
     */
    public static Optional<SourceKey> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (String part : value.replaceAll("\\s+", "").split(";")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return Optional.empty();
            }
            if (fields.put(part.substring(0, eq), part.substring(eq + 1)) != null) {
                return Optional.empty();
            }
        }
        if (!"1".equals(fields.get("v")) || fields.size() != 5) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SourceKey(BmaAddress.parse(fields.get("m")), FolderPath.decode(fields.get("f")),
                    Long.parseLong(fields.get("uv")), Long.parseLong(fields.get("uid"))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Same mailbox and folder (any UIDVALIDITY). */
    public boolean sameFolder(BmaAddress mailbox, FolderPath folder) {
        return this.mailbox.equals(mailbox) && this.folder.equals(folder);
    }

    @Override
    public String toString() {
        return "v=1; m=" + mailbox + "; f=" + folder.encoded() + "; uv=" + uidValidity + "; uid=" + uid;
    }
}
