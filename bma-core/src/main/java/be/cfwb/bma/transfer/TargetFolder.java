package be.cfwb.bma.transfer;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where messages go on the target: either a path from the mailbox root, or a path under one
 * of the target's well-known folders. The target resolves the well-known folder itself
 * ({@link MailboxTarget#ensureFolder}), because its name depends on the target (an
 * Exchange mailbox set to French calls Sent Items {@code Éléments envoyés}).
 *
 * @param base     the well-known folder the path starts from, or empty for the root
 * @param relative names under {@code base} (may be empty when {@code base} is set)
 */
public record TargetFolder(Optional<SpecialUse> base, List<String> relative) implements Comparable<TargetFolder> {

    public TargetFolder {
        base = base == null ? Optional.empty() : base;
        relative = List.copyOf(Objects.requireNonNull(relative, "relative"));
        if (base.isEmpty() && relative.isEmpty()) {
            throw new IllegalArgumentException("A target folder needs a well-known base or a name");
        }
        for (String s : relative) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("A folder name must not be empty: " + relative);
            }
        }
    }

    /** The well-known folder itself. */
    public static TargetFolder of(SpecialUse use) {
        return new TargetFolder(Optional.of(use), List.of());
    }

    /** A path from the root. */
    public static TargetFolder of(FolderPath path) {
        return new TargetFolder(Optional.empty(), path.segments());
    }

    public static TargetFolder under(SpecialUse use, List<String> relative) {
        return new TargetFolder(Optional.of(use), relative);
    }

    /** Readable, e.g. {@code [Sent] › 2019} or {@code Projets › 2024}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        base.ifPresent(b -> sb.append('[').append(b.exchangeName()).append(']'));
        for (String s : relative) {
            sb.append(sb.length() == 0 ? "" : " › ").append(s);
        }
        return sb.toString();
    }

    @Override
    public int compareTo(TargetFolder o) {
        return toString().compareTo(o.toString());
    }
}
