package be.cfwb.bma.transfer;

import java.util.Objects;

/**
 * Copies on the target that carry our trace key but that no source message accounts for:
 * the message was deleted or moved on the old server after it was copied, its folder was
 * renamed there, or the copy was made twice. Nothing is lost by them, but the user sees them.
 *
 * @param targetFolder the target folder they are in, as {@link TargetFolder#toString()} shows it
 * @param key          the trace key they carry
 * @param copies       how many carry it in that folder
 * @param reason       why no source message accounts for them, in words ops can act on
 */
public record ExtraCopy(String targetFolder, SourceKey key, int copies, String reason) {

    public ExtraCopy {
        Objects.requireNonNull(targetFolder, "targetFolder");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(reason, "reason");
        if (copies < 1) {
            throw new IllegalArgumentException("copies must be at least 1: " + copies);
        }
    }
}
