package be.cfwb.bma.transfer;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A message found on the target that carries a source key.
 *
 * @param key          the source key it carries
 * @param targetId     the target's own id for it (IMAP UID, Graph message id), for flag updates
 * @param flags        its flags on the target
 * @param internalDate its received date on the target
 * @param messageId    its Message-ID, if read
 */
public record TargetMessage(SourceKey key, String targetId, MessageFlags flags, Instant internalDate,
                            Optional<String> messageId) {

    public TargetMessage {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(targetId, "targetId");
        Objects.requireNonNull(flags, "flags");
        Objects.requireNonNull(internalDate, "internalDate");
        messageId = messageId == null ? Optional.empty() : messageId;
    }
}
