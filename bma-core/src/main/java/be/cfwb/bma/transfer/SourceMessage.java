package be.cfwb.bma.transfer;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the source says about one message before its bytes are read.
 *
 * @param uid          its UID in the folder
 * @param size         RFC822.SIZE, in bytes
 * @param flags        its flags
 * @param internalDate INTERNALDATE (when it arrived), to keep on the target
 * @param messageId    its Message-ID header, if it has one (only used to recognise copies after
 *                     a UIDVALIDITY change)
 */
public record SourceMessage(long uid, long size, MessageFlags flags, Instant internalDate, Optional<String> messageId) {

    public SourceMessage {
        if (uid <= 0) {
            throw new IllegalArgumentException("UID must be positive: " + uid);
        }
        if (size < 0) {
            throw new IllegalArgumentException("Size must not be negative: " + size);
        }
        Objects.requireNonNull(flags, "flags");
        Objects.requireNonNull(internalDate, "internalDate");
        messageId = messageId == null ? Optional.empty() : messageId;
    }
}
