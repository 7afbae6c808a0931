package be.cfwb.bma.lifecycle;

import be.cfwb.bma.MailboxStatus;
import be.cfwb.bma.MailboxStep;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The answer of {@code Bma.run}: what each stage did, and where each mailbox due by the day
 * stands afterwards.
 *
 * @param day     the day run for
 * @param stages  the stages, in order
 * @param due     the selected mailboxes whose migration day is the day or earlier, after the run
 * @param report  the dashboard written at the end
 */
public record RunResult(LocalDate day, List<StageOutcome> stages, List<MailboxStatus> due, Optional<Path> report) {

    public RunResult {
        stages = List.copyOf(stages);
        due = List.copyOf(due);
    }

    /** True if every stage succeeded and every mailbox due is verified. */
    public boolean isSuccess() {
        return stages.stream().allMatch(StageOutcome::success) && incomplete().isEmpty();
    }

    /** The mailboxes due by the day that are not verified yet. */
    public List<MailboxStatus> incomplete() {
        return due.stream().filter(m -> m.step() != MailboxStep.VERIFIED).toList();
    }

    public long verified() {
        return due.size() - incomplete().size();
    }
}
