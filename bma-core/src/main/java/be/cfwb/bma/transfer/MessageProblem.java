package be.cfwb.bma.transfer;

import java.time.Instant;
import java.util.Objects;

/**
 * One message that did not arrive, and why.
 *
 * @param folder       its source folder
 * @param uid          its UID there
 * @param size         its size in bytes
 * @param internalDate when it arrived in the source
 * @param reason       why it was not copied, in words ops can act on
 */
public record MessageProblem(FolderPath folder, long uid, long size, Instant internalDate, String reason) {

    public MessageProblem {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(internalDate, "internalDate");
        Objects.requireNonNull(reason, "reason");
    }
}
