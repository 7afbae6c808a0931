package be.cfwb.bma.notify;

import be.cfwb.bma.address.BmaAddress;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The answer of {@code Bma.notify}: one outcome per mail considered, in the order they were
 * handled, and where the report (and, in a dry run, the outbox) was written.
 *
 * @param date           the day the run acted for
 * @param dryRun         true if nothing was sent
 * @param outcomes       one per mail due (today, overdue, or already sent today)
 * @param unplanned      selected mailboxes the plan does not cover
 * @param report         the CSV report written
 * @param outbox         the dry-run outbox directory, empty on a real run
 * @param ledgerRecovery what opening the ledger had to repair, if anything
 * @param delivery       where the sent mails stand in the old mailboxes, when the old server is
 *                       configured and this was a real run ({@link DeliveryCheck})
 */
public record NotifyResult(LocalDate date, boolean dryRun, List<NotificationOutcome> outcomes,
                           List<BmaAddress> unplanned, Path report, Optional<Path> outbox,
                           Optional<String> ledgerRecovery, Optional<DeliveryResult> delivery) {

    public NotifyResult {
        outcomes = List.copyOf(outcomes);
        unplanned = List.copyOf(unplanned);
        outbox = outbox == null ? Optional.empty() : outbox;
        ledgerRecovery = ledgerRecovery == null ? Optional.empty() : ledgerRecovery;
        delivery = delivery == null ? Optional.empty() : delivery;
    }

    /** A result whose delivery was not checked. */
    public NotifyResult(LocalDate date, boolean dryRun, List<NotificationOutcome> outcomes, List<BmaAddress> unplanned,
                        Path report, Optional<Path> outbox, Optional<String> ledgerRecovery) {
        this(date, dryRun, outcomes, unplanned, report, outbox, ledgerRecovery, Optional.empty());
    }

    /** This result, with where its mails stand in the old mailboxes. */
    public NotifyResult withDelivery(DeliveryResult checked) {
        return new NotifyResult(date, dryRun, outcomes, unplanned, report, outbox, ledgerRecovery, Optional.of(checked));
    }

    /** Mails that are due later today: the first run after their planned time sends them. */
    public List<NotificationOutcome> waiting() {
        return withStatus(NotificationOutcome.Status.WAITING);
    }

    /** True when no mail failed, broke off or was blocked. */
    public boolean isSuccess() {
        return outcomes.stream().noneMatch(NotificationOutcome::isProblem);
    }

    /** How many mails ended in each status (every status present, zero included). */
    public Map<NotificationOutcome.Status, Integer> totals() {
        Map<NotificationOutcome.Status, Integer> totals = new EnumMap<>(NotificationOutcome.Status.class);
        for (NotificationOutcome.Status s : NotificationOutcome.Status.values()) {
            totals.put(s, 0);
        }
        outcomes.forEach(o -> totals.merge(o.status(), 1, Integer::sum));
        return totals;
    }

    public List<NotificationOutcome> withStatus(NotificationOutcome.Status status) {
        return outcomes.stream().filter(o -> o.status() == status).toList();
    }

    /** Mails sent (or rendered) although due on an earlier day. */
    public List<NotificationOutcome> late() {
        return outcomes.stream().filter(o -> o.late() && (o.status() == NotificationOutcome.Status.SENT
                || o.status() == NotificationOutcome.Status.RENDERED)).toList();
    }

    /** Mails sent again after an interrupted run: the school may have them twice. */
    public List<NotificationOutcome> possibleDuplicates() {
        return outcomes.stream().filter(NotificationOutcome::possibleDuplicate).toList();
    }

    public List<NotificationOutcome> problems() {
        return outcomes.stream().filter(NotificationOutcome::isProblem).toList();
    }
}
