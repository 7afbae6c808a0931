package be.cfwb.bma.cutover;

import java.util.List;

/**
 * The answer of {@code Bma.cutover}: one outcome per selected mailbox, in address order.
 *
 * @param outcomes the outcomes
 * @param dryRun   true if nothing was run or recorded
 */
public record CutoverResult(List<CutoverOutcome> outcomes, boolean dryRun) {

    public CutoverResult {
        outcomes = List.copyOf(outcomes);
    }

    /** True if every selected mailbox is cut over (now or before). */
    public boolean isSuccess() {
        return outcomes.stream().allMatch(CutoverOutcome::isDone);
    }

    /**
     * True if every selected mailbox is cut over or only waits for its mail 4 to appear in the
     * old mailbox within the delivery wait ({@link CutoverOutcome.Status#AWAITING_MAIL4}): nothing
     * is wrong, a later run records the rest.
     */
    public boolean isDoneExceptWaiting() {
        return outcomes.stream().allMatch(o -> o.isDone() || o.status() == CutoverOutcome.Status.AWAITING_MAIL4);
    }

    public long count(CutoverOutcome.Status status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }
}
