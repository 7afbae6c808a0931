package be.cfwb.bma.lifecycle;

import be.cfwb.bma.MailboxStatus;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.BmaAddress;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
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
 * @param waiting the due mailboxes not verified yet for a reason that is no fault: what each waits for
 * @param dryRun  true if nothing was done: the stages say what would have been
 */
public record RunResult(LocalDate day, List<StageOutcome> stages, List<MailboxStatus> due, Optional<Path> report,
                        List<String> refusedLogins, Map<BmaAddress, Waiting> waiting, boolean dryRun) {

    /** What a due mailbox can wait for without anything being wrong. */
    public enum Waiting {
        /** Mail 4 is sent; ops switch the routing and record it ({@code bma:cutover}). */
        ROUTING_SWITCH("the routing switch (bma:cutover)"),
        /** Its next mail is due later today; a run after that time sends it. */
        MAIL_TIME("the planned time of its next mail"),
        /** Mail 4 is sent but not in the old mailbox yet, within the delivery wait; the cutover waits for it. */
        MAIL4_DELIVERY("mail 4 to appear in the old mailbox");

        private final String label;

        Waiting(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public RunResult {
        stages = List.copyOf(stages);
        due = List.copyOf(due);
        refusedLogins = List.copyOf(refusedLogins);
        waiting = Map.copyOf(waiting);
    }

    /** A run in which no shared login was refused. */
    public RunResult(LocalDate day, List<StageOutcome> stages, List<MailboxStatus> due, Optional<Path> report) {
        this(day, stages, due, report, List.of(), Map.of(), false);
    }

    /**
     * True if nothing went wrong, though some due mailboxes are not verified yet because they wait
     * for something that is no fault ({@link #waiting()}): every stage succeeded, no shared login was
     * refused, and every mailbox not verified waits. Such a day ends with exit 0.
     */
    public boolean isDoneExceptWaiting() {
        return stages.stream().allMatch(StageOutcome::success) && refusedLogins.isEmpty()
                && incomplete().stream().allMatch(m -> waiting.containsKey(m.mailbox().address()));
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
