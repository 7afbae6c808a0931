package be.cfwb.bma.graph;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A target folder as Graph reports it before the copy: its id, item counts and size (for the
 * quota check and for {@code bma:verify}).
 *
 * @param sizeInBytes from the folder's {@code PR_MESSAGE_SIZE_EXTENDED} (Long 0x0E08), when Graph gives it
 */
public record FolderState(FolderSpec folder, String id, int totalItemCount, int unreadItemCount,
                          OptionalLong sizeInBytes, boolean created) {

    public FolderState {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(id, "id");
        sizeInBytes = sizeInBytes == null ? OptionalLong.empty() : sizeInBytes;
    }
}
