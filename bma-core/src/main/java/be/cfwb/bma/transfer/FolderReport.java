package be.cfwb.bma.transfer;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one pass did with one source folder.
 *
 * @param source         the source folder
 * @param target         where its messages went, as the mapper named it
 * @param notes          renames and merges the mapper made
 * @param uidValidity    the source folder's UIDVALIDITY (0 for a folder that holds no messages)
 * @param found          messages listed in the source this pass
 * @param foundBytes     their bytes
 * @param copied         messages copied this pass
 * @param copiedBytes    their bytes
 * @param alreadyPresent messages found on the target by their key
 * @param flagsUpdated   messages already present whose flags were synced
 * @param skipped        messages the target refused for good (too large, quota, malformed)
 * @param failed         messages that failed after the retries
 * @param error          why the folder could not be processed at all, if so
 * @param waived         messages not copied because ops waived them ({@code bma:waive}): neither
 *                       skipped nor failed, they do not keep the folder from being complete
 * @param deletedOnTarget messages whose copy the ledger records but the user deleted (or moved away)
 *                       on the target since: not copied again (the user's action on the new mailbox
 *                       wins; the old server still has them), accounted for
 */
public record FolderReport(FolderPath source, String target, List<String> notes, long uidValidity, int found,
                           long foundBytes, int copied, long copiedBytes, int alreadyPresent, int flagsUpdated,
                           List<MessageProblem> skipped, List<MessageProblem> failed, Optional<String> error,
                           int waived, int deletedOnTarget) {

    public FolderReport {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        notes = List.copyOf(notes);
        skipped = List.copyOf(skipped);
        failed = List.copyOf(failed);
        error = error == null ? Optional.empty() : error;
    }

    /** A folder report without messages deleted on the target. */
    public FolderReport(FolderPath source, String target, List<String> notes, long uidValidity, int found,
                        long foundBytes, int copied, long copiedBytes, int alreadyPresent, int flagsUpdated,
                        List<MessageProblem> skipped, List<MessageProblem> failed, Optional<String> error, int waived) {
        this(source, target, notes, uidValidity, found, foundBytes, copied, copiedBytes, alreadyPresent, flagsUpdated,
                skipped, failed, error, waived, 0);
    }

    /** A folder report without waived messages. */
    public FolderReport(FolderPath source, String target, List<String> notes, long uidValidity, int found,
                        long foundBytes, int copied, long copiedBytes, int alreadyPresent, int flagsUpdated,
                        List<MessageProblem> skipped, List<MessageProblem> failed, Optional<String> error) {
        this(source, target, notes, uidValidity, found, foundBytes, copied, copiedBytes, alreadyPresent, flagsUpdated,
                skipped, failed, error, 0, 0);
    }

    /** True if every message found is on the target. */
    public boolean isComplete() {
        return error.isEmpty() && skipped.isEmpty() && failed.isEmpty();
    }

    /** True if every message found was copied, was present, or is reported with a reason. */
    public boolean isAccountedFor() {
        return error.isEmpty() && copied + alreadyPresent + skipped.size() + failed.size() + waived + deletedOnTarget == found;
    }
}
