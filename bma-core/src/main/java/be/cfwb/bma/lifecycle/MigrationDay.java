package be.cfwb.bma.lifecycle;

import be.cfwb.bma.Bma;
import be.cfwb.bma.MailboxStatus;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.MigrateResult;
import be.cfwb.bma.PlanResult;
import be.cfwb.bma.VerifyResult;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.cutover.CutoverHook;
import be.cfwb.bma.cutover.CutoverResult;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.notify.NotificationKind;
import be.cfwb.bma.notify.NotifyResult;
import be.cfwb.bma.transfer.Pass;


import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Everything due on one day, in the order of the circular. Each stage acts only on the
 * mailboxes whose ledger shows the previous steps done, so running a day twice, or after a
 * crash, picks up exactly where things stand and never repeats what was recorded: mail 2
 * never leaves before provisioning, the final delta never runs before the cutover is
 * recorded. Without a cutover hook, mailboxes wait after mail 4 until ops record the cutover
 * ({@code bma:cutover}); the next run continues from there.
 */
public final class MigrationDay {

    private final Bma bma;
    private final Optional<CutoverHook> cutoverHook;
    private final RunListener listener;

    public MigrationDay(Bma bma, Optional<CutoverHook> cutoverHook, RunListener listener) {
        this.bma = bma;
        this.cutoverHook = cutoverHook;
        this.listener = listener;
    }

    /** Runs every stage due on {@code day} for the selected mailboxes. */
    public RunResult run(LocalDate day, MailboxSelection selection) {
        List<StageOutcome> stages = new ArrayList<>();
        listener.stageStarted(Stage.PLAN, bma.inventory().size());
        PlanResult plan = bma.plan(MailboxSelection.all());
        List<PlannedMailbox> selected = plan.plan().mailboxes().stream().filter(p -> selection.includes(p.address())).toList();
        stages.add(finish(new StageOutcome(Stage.PLAN, List.of(), true, plan.plan().size() + " mailboxes planned")));

        List<BmaAddress> mailOneDue = selected.stream().filter(p -> !p.mailDate(1).isAfter(day)).map(PlannedMailbox::address).toList();
        List<BmaAddress> migrating = selected.stream().filter(p -> !p.migrationDate().isAfter(day)).map(PlannedMailbox::address).toList();

        stages.add(stage(Stage.MAIL1, ready(mailOneDue, Set.of(), MailboxStep.MAIL1_SENT),
                s -> notifyOutcome(Stage.MAIL1, s, bma.notify(selection(s), day, false, NotificationKind.MAIL1))));
        stages.add(stage(Stage.SURVEY, unsurveyed(ready(mailOneDue, Set.of(MailboxStep.MAIL1_SENT), MailboxStep.VERIFIED)),
                s -> migrateOutcome(Stage.SURVEY, s, bma.survey(selection(s)))));
        stages.add(stage(Stage.PROVISION, ready(migrating, Set.of(MailboxStep.MAIL1_SENT), MailboxStep.PROVISIONED),
                s -> {
                    var result = bma.provision(selection(s));
                    return new StageOutcome(Stage.PROVISION, s, result.isSuccess(), result.summaryLine());
                }));
        stages.add(stage(Stage.MAILS_2_3, ready(migrating, Set.of(MailboxStep.PROVISIONED), MailboxStep.MAIL3_SENT),
                s -> notifyOutcome(Stage.MAILS_2_3, s, bma.notify(selection(s), day, false, NotificationKind.MAIL3))));
        stages.add(stage(Stage.PRESTAGE, ready(migrating, Set.of(MailboxStep.MAIL3_SENT), MailboxStep.PRESTAGED),
                s -> migrateOutcome(Stage.PRESTAGE, s, bma.migrate(selection(s), Pass.PRESTAGE, false, listener))));
        stages.add(stage(Stage.MAIL4, ready(migrating, Set.of(MailboxStep.PRESTAGED), MailboxStep.MAIL4_SENT),
                s -> notifyOutcome(Stage.MAIL4, s, bma.notify(selection(s), day, false, NotificationKind.MAIL4))));
        if (cutoverHook.isPresent()) {
            stages.add(stage(Stage.CUTOVER, ready(migrating, Set.of(MailboxStep.MAIL4_SENT), MailboxStep.CUT_OVER),
                    s -> {
                        CutoverResult result = bma.cutover(selection(s), cutoverHook, false);
                        return new StageOutcome(Stage.CUTOVER, s, result.isSuccess(), result.outcomes().stream()
                                .filter(o -> o.isDone()).count() + " of " + s.size() + " cut over");
                    }));
        }
        stages.add(stage(Stage.FINAL_DELTA, ready(migrating, Set.of(MailboxStep.CUT_OVER), MailboxStep.FINAL_DELTA_DONE),
                s -> migrateOutcome(Stage.FINAL_DELTA, s, bma.migrate(selection(s), Pass.FINAL, false, listener))));
        stages.add(stage(Stage.VERIFY, ready(migrating, Set.of(MailboxStep.FINAL_DELTA_DONE), MailboxStep.VERIFIED),
                s -> {
                    VerifyResult result = bma.verify(selection(s));
                    return new StageOutcome(Stage.VERIFY, s, result.isSuccess(), result.summaryLine());
                }));

        listener.stageStarted(Stage.REPORT, selected.size());
        Path report = bma.report(selection);
        stages.add(finish(new StageOutcome(Stage.REPORT, List.of(), true, report.toString())));
        List<MailboxStatus> due = migrating.isEmpty() ? List.of() : bma.status(selection(migrating)).mailboxes();
        return new RunResult(day, stages, due, Optional.of(report));
    }

    private StageOutcome stage(Stage stage, List<BmaAddress> ready, Function<List<BmaAddress>, StageOutcome> action) {
        if (ready.isEmpty()) {
            return finish(StageOutcome.idle(stage));
        }
        listener.stageStarted(stage, ready.size());
        return finish(action.apply(ready));
    }

    private StageOutcome finish(StageOutcome outcome) {
        listener.stageFinished(outcome);
        return outcome;
    }

    /**
     * The mailboxes of {@code candidates} whose ledger shows every step of {@code done} and not
     * yet {@code next}, read afresh because the previous stage just changed it.
     */
    private List<BmaAddress> ready(List<BmaAddress> candidates, Set<MailboxStep> done, MailboxStep next) {
        if (candidates.isEmpty()) {
            return List.of();
        }
        Map<BmaAddress, MailboxStatus> status = new TreeMap<>(bma.status(selection(candidates)).mailboxes().stream()
                .collect(Collectors.toMap(m -> m.mailbox().address(), m -> m)));
        return candidates.stream().filter(a -> {
            MailboxStatus s = status.get(a);
            return done.stream().allMatch(step -> reached(s, step)) && !reached(s, next);
        }).toList();
    }

    /** Those not read yet by {@link Bma#survey}: each old mailbox is surveyed once, after mail 1. */
    private List<BmaAddress> unsurveyed(List<BmaAddress> candidates) {
        if (candidates.isEmpty()) {
            return List.of();
        }
        Set<BmaAddress> surveyed = bma.status(selection(candidates)).mailboxes().stream()
                .filter(m -> m.lastOfEachKind().stream().anyMatch(e -> e.event() instanceof Event.MailboxSurveyed))
                .map(m -> m.mailbox().address()).collect(Collectors.toSet());
        return candidates.stream().filter(a -> !surveyed.contains(a)).toList();
    }

    private static boolean reached(MailboxStatus status, MailboxStep step) {
        return status.reached(step);
    }

    private static StageOutcome notifyOutcome(Stage stage, List<BmaAddress> mailboxes, NotifyResult result) {
        return new StageOutcome(stage, mailboxes, result.isSuccess(), result.totals().entrySet().stream()
                .filter(e -> e.getValue() > 0).map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(java.util.Locale.ROOT))
                .collect(Collectors.joining(", ")));
    }

    private static StageOutcome migrateOutcome(Stage stage, List<BmaAddress> mailboxes, MigrateResult result) {
        return new StageOutcome(stage, mailboxes, result.isSuccess(), result.summaryLine());
    }

    private static MailboxSelection selection(List<BmaAddress> addresses) {
        return MailboxSelection.of(addresses);
    }
}
