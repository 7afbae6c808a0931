package be.cfwb.bma;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.cutover.Cutover;
import be.cfwb.bma.cutover.CutoverHook;
import be.cfwb.bma.cutover.CutoverResult;
import be.cfwb.bma.calendar.MigrationPlan;
import be.cfwb.bma.calendar.PlanFiles;
import be.cfwb.bma.calendar.Planner;
import be.cfwb.bma.calendar.PlanningSettings;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.lifecycle.MigrationDay;
import be.cfwb.bma.lifecycle.ProvisionResult;
import be.cfwb.bma.lifecycle.Provisioning;
import be.cfwb.bma.lifecycle.RunListener;
import be.cfwb.bma.lifecycle.RunResult;
import be.cfwb.bma.notify.MailboxSchedule;
import be.cfwb.bma.notify.NotificationKind;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.report.MigrationReport;
import be.cfwb.bma.report.ReportWriter;
import be.cfwb.bma.notify.NotificationRun;
import be.cfwb.bma.notify.NotificationSchedule;
import be.cfwb.bma.notify.NotificationSettings;
import be.cfwb.bma.notify.PlanSchedule;
import be.cfwb.bma.notify.NotifyResult;
import be.cfwb.bma.transfer.MailboxVerification;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.VerifyReport;
import be.cfwb.bma.transfer.Verifier;
import be.cfwb.bma.transfer.internal.LoginGate;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The toolkit's entry point. Configure once, then call verbs, each with an explicit scope:
 *
 * <pre>{@code
 * Bma bma = Bma.configure()
 *         .inventory(Path.of("inventory.csv"))
 *         .ledgerDirectory(Path.of("/srv/bma/ledger"))
 *         .load();
 * StatusResult status = bma.status(MailboxSelection.parse("ec001394,po000478"));
 * }</pre>
 *
 * <p>A {@code Bma} is immutable and safe to share between threads. Each verb opens the
 * ledger for its own duration, so two verbs on one ledger never run at once, in this
 * process or another.
 */
public final class Bma {

    /** The loaded configuration, immutable. */
    record Settings(Inventory inventory, String inventoryDescription, Path ledgerDirectory, Path outputDirectory,
                    Clock clock, PlanningSettings planning, Optional<NotificationSettings> notifications,
                    TransferSettings transfer) {
        Settings {
            Objects.requireNonNull(inventory);
            Objects.requireNonNull(ledgerDirectory);
            Objects.requireNonNull(outputDirectory);
            Objects.requireNonNull(clock);
            Objects.requireNonNull(planning);
        }

        Settings withTransfer(TransferSettings transfer) {
            return new Settings(inventory, inventoryDescription, ledgerDirectory, outputDirectory, clock, planning,
                    notifications, transfer);
        }
    }

    private final Settings settings;

    Bma(Settings settings) {
        this.settings = settings;
    }

    /** Starts a configuration with the defaults. */
    public static BmaConfiguration configure() {
        return new BmaConfiguration();
    }

    /** The inventory this instance works on. */
    public Inventory inventory() {
        return settings.inventory();
    }

    public Path ledgerDirectory() {
        return settings.ledgerDirectory();
    }

    public Path outputDirectory() {
        return settings.outputDirectory();
    }

    /**
     * Where each selected mailbox stands, as the ledger records it.
     *
     * @throws BmaException if the selection names an address outside the inventory, or the ledger
     *                      cannot be opened
     */
    public StatusResult status(MailboxSelection selection) {
        Inventory selected = settings.inventory().select(selection);
        try (Ledger ledger = Ledger.open(settings.ledgerDirectory(), settings.clock())) {
            List<MailboxStatus> rows = new ArrayList<>(selected.size());
            for (Mailbox mailbox : selected.mailboxes()) {
                List<LedgerEvent> history = ledger.history(mailbox.address());
                rows.add(new MailboxStatus(mailbox, MailboxStep.of(history),
                        MailboxStep.lastStepEvent(history).map(LedgerEvent::at), history));
            }
            return new StatusResult(rows, ledger.recovery());
        }
    }

    /** Sends the notification mails due on {@code date} (and overdue ones) to the selected mailboxes. */
    public NotifyResult notify(MailboxSelection selection, LocalDate date) {
        return notify(selection, date, false);
    }

    /**
     * Sends, exactly once each and in order per mailbox, the notification mails the plan says
     * are due on {@code date} or before (reported as late). The plan is the one {@link #plan}
     * published in the output directory ({@code plan.json}); without one, the plan it would
     * publish (announced dates kept); the notification settings may carry their own schedule
     * instead. A mail that would contradict the date mail 1 announced is blocked. With {@code dryRun}, renders them
     * into {@code <output>/outbox/} instead, passwords masked, and records nothing.
     *
     * @throws BmaException if notifications are not configured, a template is wrong, or the
     *                      ledger cannot be opened; before anything is sent
     */
    public NotifyResult notify(MailboxSelection selection, LocalDate date, boolean dryRun) {
        return notify(selection, date, dryRun, NotificationKind.MAIL4);
    }

    /**
     * As {@link #notify(MailboxSelection, LocalDate, boolean)}, sending no mail after
     * {@code upTo}: the day's run sends mail 1, then mails 2 and 3 once the target is
     * provisioned, then mail 4 once the pre-stage copy is done.
     */
    public NotifyResult notify(MailboxSelection selection, LocalDate date, boolean dryRun, NotificationKind upTo) {
        NotificationSettings notifications = settings.notifications().orElseThrow(() -> new BmaException(
                BmaErrorCode.INVALID_CONFIGURATION, "Notifications are not configured (BmaConfiguration.notifications)"));
        Inventory selected = settings.inventory().select(selection);
        try (Ledger ledger = Ledger.open(settings.ledgerDirectory(), settings.clock())) {
            // The published plan (plan.json) is what ops reviewed; without one (a clean target/), the
            // same plan bma:plan would publish: the whole inventory, announced dates kept.
            NotificationSchedule schedule = notifications.schedule().orElseGet(() -> PlanSchedule.of(
                    PlanFiles.read(settings.outputDirectory(), settings.inventory()).orElseGet(() ->
                            new Planner(settings.planning()).plan(settings.inventory(), Planner.announcedDates(ledger),
                                    Map.of()))));
            NotificationSchedule limited = address -> schedule.of(address).map(s -> upTo(s, upTo));
            return new NotificationRun(notifications, ledger, settings.clock(), settings.outputDirectory())
                    .run(selected.mailboxes(), limited, date, dryRun);
        }
    }

    /** The schedule with every mail after {@code last} moved out of reach. */
    private static MailboxSchedule upTo(MailboxSchedule schedule, NotificationKind last) {
        java.util.EnumMap<NotificationKind, java.time.LocalDateTime> due = new java.util.EnumMap<>(schedule.due());
        for (NotificationKind kind : NotificationKind.values()) {
            if (kind.number() > last.number()) {
                due.put(kind, java.time.LocalDateTime.of(9999, 12, 31, 0, 0));
            }
        }
        return new MailboxSchedule(schedule.mailbox(), schedule.migrationDate(), schedule.accessDate(), due,
                schedule.planVersion());
    }

    /**
     * Checks that each selected mailbox's target exists and takes our login, and records it
     * provisioned: the step mail 2 (the new password) waits for.
     */
    public ProvisionResult provision(MailboxSelection selection) {
        TransferSettings transfer = transferSettings();
        Inventory selected = settings.inventory().select(selection);
        try (Ledger ledger = Ledger.open(settings.ledgerDirectory(), settings.clock())) {
            return new Provisioning(LoginGate.guard(transfer).target(), ledger)
                    .run(selected.mailboxes().stream().map(Mailbox::address).toList());
        }
    }

    /**
     * Everything due on {@code day} for the selected mailboxes, in the circular's order: mail 1,
     * provisioning, mails 2 and 3, pre-stage copy, mail 4, cutover (with {@code cutoverHook};
     * without it, mailboxes wait for ops to record it), final delta, verification, and the
     * dashboard. Each stage acts only on mailboxes whose earlier steps the ledger shows done,
     * so a rerun or a run after a crash continues where things stand. A shared login (the admin
     * login, the app's token) a server refuses is tried once in the whole run, not once per stage,
     * and the result says so once ({@link RunResult#refusedLogins()}).
     */
    public RunResult run(LocalDate day, MailboxSelection selection, Optional<CutoverHook> cutoverHook, RunListener listener) {
        settings.inventory().select(selection);
        if (settings.transfer() == null) {
            return new MigrationDay(this, cutoverHook, listener).run(day, selection);
        }
        // One set of login gates for every stage: a refused admin login is tried once a run, not once a stage.
        TransferSettings gated = LoginGate.guard(settings.transfer());
        RunResult result = new MigrationDay(new Bma(settings.withTransfer(gated)), cutoverHook, listener).run(day, selection);
        return result.withRefusedLogins(LoginGate.refusals(gated));
    }

    /**
     * Records that mail routing of the selected mailboxes now goes to Exchange, after running
     * {@code hook} for each if given. A mailbox is cut over only once mail 4 was sent; the
     * others are reported, not recorded.
     */
    public CutoverResult cutover(MailboxSelection selection, Optional<CutoverHook> hook, boolean dryRun) {
        Inventory selected = settings.inventory().select(selection);
        try (Ledger ledger = Ledger.open(settings.ledgerDirectory(), settings.clock())) {
            List<BmaAddress> addresses = selected.mailboxes().stream().map(Mailbox::address).toList();
            return new Cutover(ledger, hook).run(addresses, dryRun);
        }
    }

    /**
     * Writes the dashboard of the selected mailboxes ({@code report.html}, {@code .json},
     * {@code .csv}) into the output directory, from the inventory and the ledger alone. Its
     * per-day series count Brussels days ({@link PlanningSettings#ZONE}), whatever the clock's zone.
     *
     * @return the HTML file
     */
    public Path report(MailboxSelection selection) {
        Inventory selected = settings.inventory().select(selection);
        try (Ledger ledger = Ledger.open(settings.ledgerDirectory(), settings.clock())) {
            // Days are the schools' days, as in the plan: not the zone of the clock (the JVM's by default).
            MigrationReport report = MigrationReport.of(selected, ledger, PlanningSettings.ZONE);
            return ReportWriter.write(report, settings.outputDirectory(), settings.clock().instant());
        }
    }

    /**
     * Plans the whole inventory (capacity is shared, so part of it cannot be planned alone)
     * and writes {@code plan.csv}, {@code plan.json}, {@code plan.ics} and {@code plan.html}
     * to the output directory; the result lists the rows of {@code selection}. Dates
     * announced by mail 1 (the ledger) are kept; so are the days of the previous plan where
     * still possible (a copy kept beside the ledger, so {@code mvn clean} does not lose it),
     * and what moved is reported.
     *
     * @throws BmaException {@link BmaErrorCode#PLAN_INFEASIBLE} with the numbers, and no file
     *                      written, when the mailboxes do not fit; {@link BmaErrorCode#INVALID_ADDRESS}
     *                      if the selection names an address outside the inventory
     */
    public PlanResult plan(MailboxSelection selection) {
        settings.inventory().select(selection);
        Map<BmaAddress, LocalDate> previous = PlanFiles.previousDates(settings.ledgerDirectory(), settings.outputDirectory());
        try (Ledger ledger = Ledger.open(settings.ledgerDirectory(), settings.clock())) {
            MigrationPlan plan = new Planner(settings.planning())
                    .plan(settings.inventory(), Planner.announcedDates(ledger), previous);
            List<Path> files = PlanFiles.write(plan, settings.outputDirectory());
            PlanFiles.keepPublished(files.get(1), ledger.directory());
            ledger.append(LedgerEntry.of(EventTypes.PLAN_PUBLISHED).with("mailboxes", plan.size())
                    .with("changes", plan.changes().size()).with("plan_csv_sha256", PlanFiles.sha256(files.get(0))));
            return new PlanResult(plan, plan.mailboxes().stream().filter(p -> selection.includes(p.address())).toList(),
                    files, ledger.recovery());
        }
    }

    /**
     * Copies the selected mailboxes' server-side mail to the target ({@code bma:migrate}): each
     * message exactly once, the pass recorded in the ledger; writes {@code migrate-report.json}
     * and {@code .csv} in the output directory. A mailbox's failure is in the result.
     *
     * @throws BmaException if no transfer settings are configured, the selection names an
     *                      address outside the inventory, or the ledger cannot be opened
     */
    public MigrateResult migrate(MailboxSelection selection, Pass pass, boolean dryRun, TransferListener listener) {
        TransferSettings transfer = transferSettings();
        Inventory selected = settings.inventory().select(selection);
        List<BmaAddress> mailboxes = selected.mailboxes().stream().map(Mailbox::address).toList();
        try (Ledger ledger = Ledger.open(settings.ledgerDirectory(), settings.clock())) {
            TransferReport report = new SyncEngine(transfer, ledger, settings.clock(), listener).run(mailboxes, pass, dryRun);
            Path file = settings.outputDirectory().resolve(dryRun ? "migrate-dry-run-report.json" : "migrate-report.json");
            report.write(file);
            return new MigrateResult(report, file);
        }
    }

    /** {@link #migrate(MailboxSelection, Pass, boolean, TransferListener)}, for real and without a listener. */
    public MigrateResult migrate(MailboxSelection selection, Pass pass) {
        return migrate(selection, pass, false, TransferListener.NONE);
    }

    /**
     * Reads the selected old mailboxes without copying anything (a dry run) and records what
     * support should know before the migration day: how many messages and bytes the server
     * holds (a mailbox read with a POP client holds almost nothing), and the folders the target
     * will rename. {@link #report} flags the anomalies.
     */
    public MigrateResult survey(MailboxSelection selection) {
        MigrateResult result = migrate(selection, Pass.PRESTAGE, true, TransferListener.NONE);
        try (Ledger ledger = Ledger.open(settings.ledgerDirectory(), settings.clock())) {
            for (be.cfwb.bma.transfer.MailboxReport m : result.report().mailboxes()) {
                LedgerEntry entry = LedgerEntry.of(EventTypes.MAILBOX_SURVEYED).mailbox(m.mailbox());
                if (m.error().isPresent()) {
                    entry.with("error", m.error().get());
                } else {
                    entry.with("found", m.found()).with("bytes", m.foundBytes())
                            .with("renamed", m.folders().stream().filter(f -> !f.notes().isEmpty()).count());
                }
                ledger.append(entry);
            }
        }
        return result;
    }

    /**
     * Checks that every source message of the selected mailboxes is on the target exactly once
     * with its flags, date and bytes ({@code bma:verify}); records {@code verify.passed} or
     * {@code verify.failed} per mailbox and writes {@code verify-report.json}.
     */
    public VerifyResult verify(MailboxSelection selection) {
        TransferSettings transfer = transferSettings();
        Inventory selected = settings.inventory().select(selection);
        List<BmaAddress> mailboxes = selected.mailboxes().stream().map(Mailbox::address).toList();
        try (Ledger ledger = Ledger.open(settings.ledgerDirectory(), settings.clock())) {
            VerifyReport report = new Verifier(transfer, settings.clock()).verify(mailboxes);
            for (MailboxVerification m : report.mailboxes()) {
                ledger.append(LedgerEntry.of(m.isSuccess() ? EventTypes.VERIFY_PASSED : EventTypes.VERIFY_FAILED)
                        .mailbox(m.mailbox())
                        .with("source", m.source())
                        .with("present", m.present())
                        .with("missing", m.missing().size())
                        .with("duplicates", m.duplicated().size())
                        .with("mismatches", m.mismatched().size()));
            }
            Path file = settings.outputDirectory().resolve("verify-report.json");
            report.write(file);
            return new VerifyResult(report, file);
        }
    }

    private TransferSettings transferSettings() {
        if (settings.transfer() == null) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "No transfer configured: set "
                    + BmaProperties.SOURCE_URL + " and " + BmaProperties.TARGET_URL + " and their credentials");
        }
        return settings.transfer();
    }

    @Override
    public String toString() {
        return "Bma[inventory=" + settings.inventoryDescription() + ", ledger=" + settings.ledgerDirectory() + "]";
    }
}
