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

    public long count(CutoverOutcome.Status status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }
}
