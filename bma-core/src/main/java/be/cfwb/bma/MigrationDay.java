package be.cfwb.bma;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.cutover.CutoverHook;
import be.cfwb.bma.cutover.CutoverOutcome;
import be.cfwb.bma.cutover.CutoverResult;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.lifecycle.ProvisionResult;
import be.cfwb.bma.lifecycle.RunListener;
import be.cfwb.bma.lifecycle.RunResult;
import be.cfwb.bma.lifecycle.Stage;
import be.cfwb.bma.lifecycle.StageOutcome;
import be.cfwb.bma.notify.DeliveryOutcome;
import be.cfwb.bma.notify.DeliveryResult;
import be.cfwb.bma.notify.NotificationKind;
import be.cfwb.bma.notify.NotifyResult;
import be.cfwb.bma.transfer.Pass;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Everything due on one day, in the order of the circular. Each stage acts only on the
 * mailboxes whose ledger shows the previous steps done, so running a day twice, or after a
 * crash, picks up exactly where things stand and never repeats what was recorded: mail 2
 * never leaves before provisioning, the final delta never runs before the cutover is
 * recorded. Without a cutover hook, mailboxes wait after mail 4 until ops record the cutover
 * ({@code bma:cutover}); the next run continues from there.
 *
 * <p>A dry run acts on nothing and records nothing: each stage names the mailboxes it would act
 * on, as if the stages before it had done their part, and the list is written under the output
 * directory.
 *
 * <p>The day is a list of stages over one {@link RunSession}: the ledger is opened and locked once
 * for the whole day, and each stage reads where the mailboxes stand from it.
 */
final class MigrationDay {

    /**
     * One stage of the day: the mailboxes ready for it (asked only when its turn comes, after the
     * stages before it acted) and what it does to them.
     */
    private record DayStage(Stage stage, Supplier<List<BmaAddress>> ready,
                            Function<List<BmaAddress>, StageOutcome> action) {
    }

    private final RunSession session;
    private final Optional<CutoverHook> cutoverHook;
    private final RunListener listener;
    private final boolean dryRun;
    /** In a dry run, the steps the stages so far would have done, so later stages see them done. */
    private final Map<BmaAddress, Set<MailboxStep>> assumed = new TreeMap<>();
    /** Mailboxes whose next mail is due later today. */
    private final Set<BmaAddress> waitingForMailTime = new TreeSet<>();
    /** Mailboxes whose cutover waits for mail 4 to appear in the old mailbox. */
    private final Set<BmaAddress> waitingForMail4 = new TreeSet<>();

    MigrationDay(RunSession session, Optional<CutoverHook> cutoverHook, RunListener listener, boolean dryRun) {
        this.session = session;
        this.cutoverHook = cutoverHook;
        this.listener = listener;
        this.dryRun = dryRun;
    }

    /** Runs every stage due on {@code day} for the selected mailboxes. */
    RunResult run(LocalDate day, MailboxSelection selection) {
        List<StageOutcome> outcomes = new ArrayList<>();
        PlanResult plan = plan(outcomes);
        List<BmaAddress> migrating = work(day, plan, selection, outcomes);
        Path report = report(day, selection, outcomes);
        return result(day, outcomes, migrating, Optional.of(report));
    }

    /**
     * The stages after the plan, for the mailboxes of {@code selection} only: one runner's batch of
     * a shared day ({@link SharedDay}). The result has no dashboard; {@link #report} writes it.
     */
    RunResult work(LocalDate day, PlanResult plan, MailboxSelection selection) {
        List<StageOutcome> outcomes = new ArrayList<>();
        List<BmaAddress> migrating = work(day, plan, selection, outcomes);
        return result(day, outcomes, migrating, Optional.empty());
    }

    /** The first stage: the whole inventory planned (the plan published, unless a dry run). */
    PlanResult plan(List<StageOutcome> outcomes) {
        listener.stageStarted(Stage.PLAN, session.inventory().size());
        PlanResult plan = session.plan(MailboxSelection.all(), dryRun);
        outcomes.add(finish(new StageOutcome(Stage.PLAN, List.of(), true, plan.plan().size() + " mailboxes planned")));
        return plan;
    }

    /** Runs the stages after the plan for the selected mailboxes; returns those migrating by the day. */
    private List<BmaAddress> work(LocalDate day, PlanResult plan, MailboxSelection selection, List<StageOutcome> outcomes) {
        List<PlannedMailbox> selected = plan.plan().mailboxes().stream().filter(p -> selection.includes(p.address())).toList();
        List<BmaAddress> mailOneDue = selected.stream().filter(p -> !p.mailDate(1).isAfter(day)).map(PlannedMailbox::address).toList();
        List<BmaAddress> migrating = selected.stream().filter(p -> !p.migrationDate().isAfter(day)).map(PlannedMailbox::address).toList();
        List<BmaAddress> ahead = selected.stream().filter(p -> p.prestageDueAhead(day)).map(PlannedMailbox::address).toList();
        for (DayStage stage : stages(day, mailOneDue, migrating, ahead)) {
            outcomes.add(run(stage));
        }
        return migrating;
    }

    /** The last stage: the dashboard of the selection (in a dry run, the account of what would be done). */
    Path report(LocalDate day, MailboxSelection selection, List<StageOutcome> outcomes) {
        listener.stageStarted(Stage.REPORT, session.inventory().select(selection).size());
        Path report = dryRun ? writeDryRun(day, outcomes) : session.report(selection);
        outcomes.add(finish(new StageOutcome(Stage.REPORT, List.of(), true, report.toString())));
        return report;
    }

    private RunResult result(LocalDate day, List<StageOutcome> outcomes, List<BmaAddress> migrating,
                             Optional<Path> report) {
        List<MailboxStatus> due = migrating.isEmpty() ? List.of() : session.status(selection(migrating)).mailboxes();
        Map<BmaAddress, RunResult.Waiting> waiting = dryRun ? Map.of() : waiting(due);
        // Read last: the delivery check just above logs in to the old server too.
        return new RunResult(day, outcomes, due, report, session.refusedLogins(), waiting, dryRun);
    }

    /**
     * The stages after the plan, in the circular's order, then the bulk copies due ahead of later
     * days ({@code ahead}: their pre-stage date is today or past, their migration day later), so
     * that a migration day only copies what arrived since.
     */
    private List<DayStage> stages(LocalDate day, List<BmaAddress> mailOneDue, List<BmaAddress> migrating,
                                  List<BmaAddress> ahead) {
        List<DayStage> stages = new ArrayList<>();
        stages.add(new DayStage(Stage.MAIL1, () -> ready(mailOneDue, Set.of(), MailboxStep.MAIL1_SENT),
                s -> notifyOutcome(Stage.MAIL1, s, session.notify(selection(s), day, false, NotificationKind.MAIL1))));
        stages.add(new DayStage(Stage.SURVEY,
                () -> unsurveyed(ready(mailOneDue, Set.of(MailboxStep.MAIL1_SENT), MailboxStep.VERIFIED)),
                s -> migrateOutcome(Stage.SURVEY, s, session.survey(selection(s)))));
        stages.add(new DayStage(Stage.PROVISION, () -> ready(migrating, Set.of(MailboxStep.MAIL1_SENT), MailboxStep.PROVISIONED),
                s -> {
                    ProvisionResult result = session.provision(selection(s));
                    return new StageOutcome(Stage.PROVISION, s, result.isSuccess(), result.summaryLine());
                }));
        stages.add(new DayStage(Stage.MAILS_2_3, () -> ready(migrating, Set.of(MailboxStep.PROVISIONED), MailboxStep.MAIL3_SENT),
                s -> notifyOutcome(Stage.MAILS_2_3, s, session.notify(selection(s), day, false, NotificationKind.MAIL3))));
        stages.add(new DayStage(Stage.PRESTAGE, () -> ready(migrating, Set.of(MailboxStep.MAIL3_SENT), MailboxStep.PRESTAGED),
                s -> copy(Stage.PRESTAGE, s, Pass.PRESTAGE)));
        // Mail 3 too: a mailbox pre-staged ahead reaches PRESTAGED before its mails 2 and 3.
        stages.add(new DayStage(Stage.MAIL4, () -> ready(migrating, Set.of(MailboxStep.MAIL3_SENT, MailboxStep.PRESTAGED),
                MailboxStep.MAIL4_SENT),
                s -> notifyOutcome(Stage.MAIL4, s, session.notify(selection(s), day, false, NotificationKind.MAIL4))));
        if (cutoverHook.isPresent()) {
            stages.add(new DayStage(Stage.CUTOVER, () -> ready(migrating, Set.of(MailboxStep.MAIL4_SENT), MailboxStep.CUT_OVER),
                    this::cutover));
        }
        stages.add(new DayStage(Stage.FINAL_DELTA,
                () -> ready(migrating, Set.of(MailboxStep.CUT_OVER), MailboxStep.FINAL_DELTA_DONE),
                s -> copy(Stage.FINAL_DELTA, s, Pass.FINAL)));
        stages.add(new DayStage(Stage.VERIFY, () -> ready(migrating, Set.of(MailboxStep.FINAL_DELTA_DONE), MailboxStep.VERIFIED),
                s -> {
                    VerifyResult result = session.verify(selection(s), false);
                    return new StageOutcome(Stage.VERIFY, s, result.isSuccess(), result.summaryLine());
                }));
        stages.add(new DayStage(Stage.PRESTAGE_AHEAD, () -> ready(ahead, Set.of(), MailboxStep.PRESTAGED),
                s -> copy(Stage.PRESTAGE_AHEAD, s, Pass.PRESTAGE)));
        return stages;
    }

    /** Runs a copy stage, telling the listener first what it is expected to copy, for progress in bytes. */
    private StageOutcome copy(Stage stage, List<BmaAddress> mailboxes, Pass pass) {
        listener.copyStarted(stage, session.expectedBytes(mailboxes, pass));
        return migrateOutcome(stage, mailboxes, session.migrate(selection(mailboxes), pass, false, listener));
    }

    private StageOutcome cutover(List<BmaAddress> mailboxes) {
        CutoverResult result = session.cutover(selection(mailboxes), cutoverHook, false);
        result.outcomes().stream().filter(o -> o.status() == CutoverOutcome.Status.AWAITING_MAIL4)
                .forEach(o -> waitingForMail4.add(o.mailbox()));
        // Waiting for mail 4 within the delivery wait is no failure; a refusal after it is.
        boolean success = result.outcomes().stream().allMatch(o -> o.isDone()
                || o.status() == CutoverOutcome.Status.AWAITING_MAIL4);
        return new StageOutcome(Stage.CUTOVER, mailboxes, success, result.outcomes().stream()
                .filter(o -> o.isDone()).count() + " of " + mailboxes.size() + " cut over"
                + (waitingForMail4.isEmpty() ? "" : ", " + waitingForMail4.size()
                + " waiting for mail 4 in the old mailbox"));
    }

    /** What each due mailbox not verified waits for, when that is no fault. */
    private Map<BmaAddress, RunResult.Waiting> waiting(List<MailboxStatus> due) {
        Map<BmaAddress, RunResult.Waiting> waiting = new TreeMap<>();
        List<BmaAddress> afterMail4 = new ArrayList<>();
        for (MailboxStatus m : due) {
            BmaAddress a = m.mailbox().address();
            if (m.step() == MailboxStep.VERIFIED) {
                continue;
            }
            if (waitingForMailTime.contains(a)) {
                waiting.put(a, RunResult.Waiting.MAIL_TIME);
            } else if (waitingForMail4.contains(a)) {
                waiting.put(a, RunResult.Waiting.MAIL4_DELIVERY);
            } else if (cutoverHook.isEmpty() && m.step() == MailboxStep.MAIL4_SENT) {
                afterMail4.add(a);
            }
        }
        if (!afterMail4.isEmpty() && session.requireMail4Delivered()) {
            // Ops will be refused the cutover of a mailbox whose mail 4 never reached the old mailbox:
            // that one is a problem now, not a wait.
            DeliveryResult delivery = session.checkDelivery(selection(afterMail4));
            afterMail4.stream().filter(a -> delivery.of(a, 4).map(o -> o.status() != DeliveryOutcome.Status.UNCONFIRMED)
                    .orElse(false)).forEach(a -> waiting.put(a, RunResult.Waiting.ROUTING_SWITCH));
        } else {
            afterMail4.forEach(a -> waiting.put(a, RunResult.Waiting.ROUTING_SWITCH));
        }
        return waiting;
    }

    private StageOutcome run(DayStage day) {
        Stage stage = day.stage();
        List<BmaAddress> ready = day.ready().get();
        if (ready.isEmpty()) {
            return finish(new StageOutcome(stage, List.of(), true, "nothing due"));
        }
        listener.stageStarted(stage, ready.size());
        if (dryRun) {
            for (BmaAddress a : ready) {
                assumed.computeIfAbsent(a, k -> EnumSet.noneOf(MailboxStep.class)).addAll(reaches(stage));
            }
            return finish(new StageOutcome(stage, ready, true, "dry run: would act on " + ready.size() + " mailbox(es)"));
        }
        return finish(day.action().apply(ready));
    }

    /** The steps a stage moves its mailboxes to. */
    private static Set<MailboxStep> reaches(Stage stage) {
        return switch (stage) {
            case MAIL1 -> Set.of(MailboxStep.MAIL1_SENT);
            case PROVISION -> Set.of(MailboxStep.PROVISIONED);
            case MAILS_2_3 -> Set.of(MailboxStep.MAIL2_SENT, MailboxStep.MAIL3_SENT);
            case PRESTAGE, PRESTAGE_AHEAD -> Set.of(MailboxStep.PRESTAGED);
            case MAIL4 -> Set.of(MailboxStep.MAIL4_SENT);
            case CUTOVER -> Set.of(MailboxStep.CUT_OVER);
            case FINAL_DELTA -> Set.of(MailboxStep.FINAL_DELTA_DONE);
            case VERIFY -> Set.of(MailboxStep.VERIFIED);
            default -> Set.of();
        };
    }

    /** The dry run's account, {@code <output>/dry-run/run-<day>.txt}: each stage and the mailboxes it would act on. */
    private Path writeDryRun(LocalDate day, List<StageOutcome> stages) {
        Path file = session.outputDirectory().resolve(Bma.DRY_RUN_DIRECTORY).resolve("run-" + day + ".txt");
        StringBuilder text = new StringBuilder("Dry run of bma:run for " + day + ": nothing was sent, reset, copied,"
                + " cut over or recorded.\n");
        for (StageOutcome o : stages) {
            text.append(String.format("%-15s %s%n", o.stage().label(), o.mailboxes().isEmpty() ? o.summary()
                    : "would act on " + o.mailboxes().size() + ": " + o.mailboxes().stream().map(Object::toString)
                    .collect(Collectors.joining(", "))));
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "Cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
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
        Map<BmaAddress, MailboxStatus> status = new TreeMap<>(session.status(selection(candidates)).mailboxes().stream()
                .collect(Collectors.toMap(m -> m.mailbox().address(), m -> m)));
        return candidates.stream().filter(a -> {
            MailboxStatus s = status.get(a);
            return done.stream().allMatch(step -> reached(s, step) || assumed(a, step))
                    && !reached(s, next) && !assumed(a, next);
        }).toList();
    }

    /** Those not read yet by {@link RunSession#survey}: each old mailbox is surveyed once, after mail 1. */
    private List<BmaAddress> unsurveyed(List<BmaAddress> candidates) {
        if (candidates.isEmpty()) {
            return List.of();
        }
        Set<BmaAddress> surveyed = session.status(selection(candidates)).mailboxes().stream()
                .filter(m -> m.lastOfEachKind().stream().anyMatch(e -> e.event() instanceof Event.MailboxSurveyed))
                .map(m -> m.mailbox().address()).collect(Collectors.toSet());
        return candidates.stream().filter(a -> !surveyed.contains(a)).toList();
    }

    private boolean assumed(BmaAddress mailbox, MailboxStep step) {
        return assumed.getOrDefault(mailbox, Set.of()).contains(step);
    }

    private static boolean reached(MailboxStatus status, MailboxStep step) {
        return status.reached(step);
    }

    private StageOutcome notifyOutcome(Stage stage, List<BmaAddress> mailboxes, NotifyResult result) {
        result.waiting().forEach(o -> waitingForMailTime.add(o.mailbox()));
        String sent = result.totals().entrySet().stream()
                .filter(e -> e.getValue() > 0).map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        // A mail the old mailbox never received is a problem to act on: the school did not get it.
        int unconfirmed = result.delivery().map(d -> d.unconfirmed().size()).orElse(0);
        int pending = result.delivery().map(d -> d.pending().size()).orElse(0);
        String delivery = (pending == 0 ? "" : "; " + pending + " not yet in the old mailbox")
                + (unconfirmed == 0 ? "" : "; " + unconfirmed + " NOT in the old mailbox after the delivery wait: "
                + result.delivery().orElseThrow().unconfirmed().stream().map(o -> "mail " + o.mail() + " to " + o.mailbox())
                .collect(Collectors.joining(", ")));
        return new StageOutcome(stage, mailboxes, result.isSuccess() && unconfirmed == 0, sent + delivery);
    }

    private static StageOutcome migrateOutcome(Stage stage, List<BmaAddress> mailboxes, MigrateResult result) {
        return new StageOutcome(stage, mailboxes, result.isSuccess(), result.summaryLine());
    }

    private static MailboxSelection selection(List<BmaAddress> addresses) {
        return MailboxSelection.of(addresses);
    }
}
