package be.cfwb.bma;

import be.cfwb.bma.calendar.MigrationPlan;
import be.cfwb.bma.calendar.PlanChange;
import be.cfwb.bma.calendar.PlannedMailbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of {@link Bma#plan}: the plan, the files written and what moved since the
 * previous plan.
 *
 * @param plan           the plan of the whole inventory
 * @param selected       its rows for the selection asked for, in address order
 * @param files          the files written, {@code plan.csv} first
 * @param ledgerRecovery what opening the ledger had to repair, if anything
 */
public record PlanResult(MigrationPlan plan, List<PlannedMailbox> selected, List<Path> files,
                         Optional<String> ledgerRecovery) {

    public PlanResult {
        Objects.requireNonNull(plan, "plan");
        selected = List.copyOf(selected);
        files = List.copyOf(files);
        ledgerRecovery = ledgerRecovery == null ? Optional.empty() : ledgerRecovery;
    }

    /** What moved since the previous plan, and why. */
    public List<PlanChange> changes() {
        return plan.changes();
    }

    /** The console summary: per wave, days used, mailboxes, peak and mean per day; then the files. */
    public List<String> summaryLines() {
        List<String> lines = new ArrayList<>(plan.summaryLines());
        plan.changes().forEach(c -> lines.add("  moved " + c));
        files.forEach(f -> lines.add("wrote " + f));
        return lines;
    }
}
