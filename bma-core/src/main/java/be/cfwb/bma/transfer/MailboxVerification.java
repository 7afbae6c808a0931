package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What verification found for one mailbox: source messages present exactly once on the
 * target, and those missing, duplicated, or present with other flags, date or size.
 *
 * @param mailbox    the mailbox
 * @param source     source messages examined
 * @param present    of them, found exactly once and alike
 * @param missing    not on the target
 * @param duplicated on the target more than once
 * @param mismatched on the target once but with other flags, date or size (the reason says which)
 * @param error      why the mailbox could not be verified at all, if so
 */
public record MailboxVerification(BmaAddress mailbox, int source, int present, List<MessageProblem> missing,
                                  List<MessageProblem> duplicated, List<MessageProblem> mismatched,
                                  Optional<String> error) {

    public MailboxVerification {
        Objects.requireNonNull(mailbox, "mailbox");
        missing = List.copyOf(missing);
        duplicated = List.copyOf(duplicated);
        mismatched = List.copyOf(mismatched);
        error = error == null ? Optional.empty() : error;
    }

    /** True if every source message is on the target exactly once, alike. */
    public boolean isSuccess() {
        return error.isEmpty() && missing.isEmpty() && duplicated.isEmpty() && mismatched.isEmpty();
    }
}
