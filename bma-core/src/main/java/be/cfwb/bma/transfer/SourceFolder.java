package be.cfwb.bma.transfer;

import java.util.Objects;
import java.util.Optional;

/**
 * A folder of the source mailbox.
 *
 * @param path         its names, root first
 * @param specialUse   what the server says it is for (SPECIAL-USE), if it says
 * @param holdsMessages false for a folder that only holds other folders (\Noselect)
 */
public record SourceFolder(FolderPath path, Optional<SpecialUse> specialUse, boolean holdsMessages) {

    public SourceFolder {
        Objects.requireNonNull(path, "path");
        specialUse = specialUse == null ? Optional.empty() : specialUse;
    }

    public static SourceFolder of(FolderPath path) {
        return new SourceFolder(path, Optional.empty(), true);
    }
}
