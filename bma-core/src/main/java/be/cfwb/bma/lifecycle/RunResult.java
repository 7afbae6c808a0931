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
 * @param refusedLogins the shared logins (an admin login, an app's token) a server refused during
 *                the run, one line each naming the server, the login and what to check: after the
 *                refusal no stage logged in with it again, so this is why the mailboxes turned
 *                away failed, said once
 */
public record RunResult(LocalDate day, List<StageOutcome> stages, List<MailboxStatus> due, Optional<Path> report,
                        List<String> refusedLogins) {

    public RunResult {
        stages = List.copyOf(stages);
        due = List.copyOf(due);
        refusedLogins = List.copyOf(refusedLogins);
    }

    /** A run in which no shared login was refused. */
    public RunResult(LocalDate day, List<StageOutcome> stages, List<MailboxStatus> due, Optional<Path> report) {
        this(day, stages, due, report, List.of());
    }

    /** This result, with the shared logins refused during the run. */
    public RunResult withRefusedLogins(List<String> refused) {
        return new RunResult(day, stages, due, report, refused);
    }

    /** True if every stage succeeded, every mailbox due is verified and no shared login was refused. */
    public boolean isSuccess() {
        return stages.stream().allMatch(StageOutcome::success) && incomplete().isEmpty() && refusedLogins.isEmpty();
    }

    /** The mailboxes due by the day that are not verified yet. */
    public List<MailboxStatus> incomplete() {
        return due.stream().filter(m -> m.step() != MailboxStep.VERIFIED).toList();
    }

    public long verified() {
        return (long) due.size() - incomplete().size();
    }
}
