package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A folder of the target mailbox: a path of display names, from the mailbox root or from one
 * of Exchange's well-known folders (whose display name depends on the mailbox's language, so
 * it is always reached by its well-known name, e.g. {@code sentitems}).
 *
 * @param wellKnown the well-known base ({@code inbox}, {@code sentitems}, {@code deleteditems},
 *                  {@code drafts}, {@code junkemail}, {@code archive}), or empty for the root
 * @param names     display names under the base, possibly none when the base is set
 */
public record FolderSpec(Optional<String> wellKnown, List<String> names) {

    /** The well-known names Graph resolves in {@code mailFolders/{name}} that we reuse. */
    public static final Set<String> WELL_KNOWN = Set.of("inbox", "sentitems", "deleteditems", "drafts", "junkemail",
            "archive");

    public FolderSpec {
        wellKnown = Objects.requireNonNull(wellKnown, "wellKnown").map(w -> w.toLowerCase(Locale.ROOT));
        names = List.copyOf(Objects.requireNonNull(names, "names"));
        if (wellKnown.isPresent() && !WELL_KNOWN.contains(wellKnown.get())) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "'" + wellKnown.get()
                    + "' is not a well-known Exchange folder; use one of " + WELL_KNOWN);
        }
        if (wellKnown.isEmpty() && names.isEmpty()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "A target folder needs a well-known base or a name");
        }
        for (String n : names) {
            if (n.isBlank()) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Empty folder name in " + names);
            }
        }
    }

    public static FolderSpec wellKnown(String name) {
        return new FolderSpec(Optional.of(name), List.of());
    }

    public static FolderSpec under(String wellKnown, List<String> names) {
        return new FolderSpec(Optional.of(wellKnown), names);
    }

    public static FolderSpec root(List<String> names) {
        return new FolderSpec(Optional.empty(), names);
    }

    /** The parent folder, if this one has names below its base. */
    public Optional<FolderSpec> parent() {
        if (names.isEmpty() || (wellKnown.isEmpty() && names.size() == 1)) {
            return Optional.empty();
        }
        return Optional.of(new FolderSpec(wellKnown, names.subList(0, names.size() - 1)));
    }

    /** Readable: {@code [sentitems]/2019}, {@code Projets/2024}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        wellKnown.ifPresent(w -> sb.append('[').append(w).append(']'));
        for (String n : names) {
            sb.append(sb.length() == 0 ? "" : "/").append(n);
        }
        return sb.toString();
    }
}
