package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What verification found for one mailbox: source messages present exactly once on the
 * target, and those missing, duplicated, or present with other flags, date or size; and the
 * copies on the target that no source message accounts for ({@code extra}: reported, not a
 * failure, since nothing is lost by them and their usual cause is a user's change on the old
 * server between passes).
 *
 * @param mailbox    the mailbox
 * @param source     source messages examined
 * @param present    of them, found exactly once and alike
 * @param missing    not on the target
 * @param duplicated on the target more than once
 * @param mismatched on the target once but with other flags, date or size (the reason says which)
 * @param extra      copies with our trace key that match no source message, per target folder and key
 * @param error      why the mailbox could not be verified at all, if so
 * @param waived     not on the target because ops waived them ({@code bma:waive}): not missing
 * @param deletedOnTarget not on the target, but the ledger records their copy: the user deleted (or
 *                   moved away) the copy on the new mailbox; the user's choice, not missing
 */
public record MailboxVerification(BmaAddress mailbox, int source, int present, List<MessageProblem> missing,
                                  List<MessageProblem> duplicated, List<MessageProblem> mismatched,
                                  List<ExtraCopy> extra, Optional<String> error, List<MessageProblem> waived,
                                  List<MessageProblem> deletedOnTarget) {

    public MailboxVerification {
        Objects.requireNonNull(mailbox, "mailbox");
        missing = List.copyOf(missing);
        duplicated = List.copyOf(duplicated);
        mismatched = List.copyOf(mismatched);
        extra = List.copyOf(extra);
        error = error == null ? Optional.empty() : error;
        waived = List.copyOf(waived);
        deletedOnTarget = List.copyOf(deletedOnTarget);
    }

    /** A verification that found no copy deleted on the target. */
    public MailboxVerification(BmaAddress mailbox, int source, int present, List<MessageProblem> missing,
                               List<MessageProblem> duplicated, List<MessageProblem> mismatched,
                               List<ExtraCopy> extra, Optional<String> error, List<MessageProblem> waived) {
        this(mailbox, source, present, missing, duplicated, mismatched, extra, error, waived, List.of());
    }

    /** A verification that found no waived message. */
    public MailboxVerification(BmaAddress mailbox, int source, int present, List<MessageProblem> missing,
                               List<MessageProblem> duplicated, List<MessageProblem> mismatched,
                               List<ExtraCopy> extra, Optional<String> error) {
        this(mailbox, source, present, missing, duplicated, mismatched, extra, error, List.of());
    }

    /** A verification that looked for no extra copies. */
    public MailboxVerification(BmaAddress mailbox, int source, int present, List<MessageProblem> missing,
                               List<MessageProblem> duplicated, List<MessageProblem> mismatched, Optional<String> error) {
        this(mailbox, source, present, missing, duplicated, mismatched, List.of(), error);
    }

    /** The number of extra copies (a key found twice counts twice). */
    public int extraCopies() {
        return extra.stream().mapToInt(ExtraCopy::copies).sum();
    }

    /** True if every source message is on the target exactly once, alike. */
    public boolean isSuccess() {
        return error.isEmpty() && missing.isEmpty() && duplicated.isEmpty() && mismatched.isEmpty();
    }
}
