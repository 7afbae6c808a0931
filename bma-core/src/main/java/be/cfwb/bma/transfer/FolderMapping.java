package be.cfwb.bma.transfer;

import java.util.List;
import java.util.Objects;

/**
 * Where one source folder goes, and why if it is not where one would expect.
 *
 * @param source the source folder
 * @param target where its messages go
 * @param notes  renames and merges to report (reserved name, separator in a name...)
 */
public record FolderMapping(SourceFolder source, TargetFolder target, List<String> notes) {

    public FolderMapping {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        notes = List.copyOf(notes);
    }
}
