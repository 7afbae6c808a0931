package be.cfwb.bma.transfer;

import java.util.Objects;

/**
 * A message the old server lists but whose listing answer cannot be read (garbled, a date that
 * is no date): it is reported with the server's words and tried again on the next pass, while
 * the rest of its folder is copied.
 *
 * @param uid    its UID
 * @param reason what went wrong, with what the server said
 */
public record UnreadableMessage(long uid, String reason) {

    public UnreadableMessage {
        Objects.requireNonNull(reason, "reason");
    }
}
