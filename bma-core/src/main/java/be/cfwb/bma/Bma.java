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
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.lifecycle.MigrationDay;
import be.cfwb.bma.lifecycle.ProvisionResult;
import be.cfwb.bma.lifecycle.Provisioning;
import be.cfwb.bma.lifecycle.RunListener;
import be.cfwb.bma.lifecycle.RunResult;
import be.cfwb.bma.notify.MailboxSchedule;
import be.cfwb.bma.notify.DeliveryCheck;
import be.cfwb.bma.notify.DeliveryResult;
import be.cfwb.bma.notify.NotificationKind;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.ledger.LedgerLocation;
import be.cfwb.bma.lifecycle.SharedDay;
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
    record Settings(Inventory inventory, String inventoryDescription, LedgerLocation ledger, Path outputDirectory,
                    Clock clock, PlanningSettings planning, Optional<NotificationSettings> notifications,
                    TransferSettings transfer, Safeguards safeguards) {
        Settings {
            Objects.requireNonNull(inventory);
            Objects.requireNonNull(ledger);
            Objects.requireNonNull(outputDirectory);
            Objects.requireNonNull(clock);
            Objects.requireNonNull(planning);
            Objects.requireNonNull(safeguards);
        }

        Settings withTransfer(TransferSettings transfer) {
            return new Settings(inventory, inventoryDescription, ledger, outputDirectory, clock, planning,
                    notifications, transfer, safeguards);
        }

        /** The local directory of the ledger, or of the files kept beside a database ledger. */
        Path ledgerDirectory() {
            return ledger instanceof LedgerLocation.Database db ? db.files() : ((LedgerLocation.Directory) ledger).path();
        }
    }

    /** Where a dry run writes what it would have done, under the output directory. */
    public static final String DRY_RUN_DIRECTORY = "dry-run";

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

    /** Where the ledger is: a directory or a database. */
    public LedgerLocation ledger() {
        return settings.ledger();
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
        // Read-only and without the lock: status answers while another process runs the day.
        try (Ledger ledger = settings.ledger().openReadOnly(settings.clock())) {
            List<MailboxStatus> rows = new ArrayList<>(selected.size());
            for (Mailbox mailbox : selected.mailboxes()) {
                // The last event of each kind decides the step as the whole history would, without reading it.
                List<LedgerEvent> kinds = ledger.lastOfEachKind(mailbox.address());
                rows.add(new MailboxStatus(mailbox, MailboxStep.of(kinds),
                        MailboxStep.lastStepEvent(kinds).map(LedgerEvent::at), ledger.historyView(mailbox.address()), kinds));
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
        if (!dryRun) {
            requireNotFuture(date);
        }
        Inventory selected = settings.inventory().select(selection);
        try (Ledger ledger = settings.ledger().open(settings.clock())) {
            // The published plan (plan.json) is what ops reviewed; without one (a clean target/), the
            // same plan bma:plan would publish: the whole inventory, announced dates kept.
            NotificationSchedule schedule = notifications.schedule().orElseGet(() -> PlanSchedule.of(
                    PlanFiles.read(settings.outputDirectory(), settings.inventory()).orElseGet(() ->
                            new Planner(settings.planning()).plan(settings.inventory(), Planner.announcedDates(ledger),
                                    Map.of()))));
            NotificationSchedule limited = address -> schedule.of(address).map(s -> upTo(s, upTo));
            NotifyResult result = new NotificationRun(notifications, ledger, settings.clock(), settings.outputDirectory())
                    .run(selected.mailboxes(), limited, date, dryRun);
            if (dryRun || settings.transfer() == null) {
                return result;
            }
            // Sent is not received: each mail must be seen where the school reads it, the old mailbox.
            return result.withDelivery(deliveryCheck(ledger).run(selected.mailboxes().stream()
                    .map(Mailbox::address).toList()));
        }
    }

    /**
     * Looks for every notification mail sent to the selected mailboxes in their old mailbox
     * (read-only), records {@code mail.delivered} with the folder each is found in, and reports
     * those still missing after the delivery wait ({@link Safeguards#deliveryWait()}).
     *
     * @throws BmaException if the old server is not configured
     */
    public DeliveryResult checkDelivery(MailboxSelection selection) {
        transferSettings();
        Inventory selected = settings.inventory().select(selection);
        try (Ledger ledger = settings.ledger().open(settings.clock())) {
            return deliveryCheck(ledger).run(selected.mailboxes().stream().map(Mailbox::address).toList());
        }
    }

    private DeliveryCheck deliveryCheck(Ledger ledger) {
        return new DeliveryCheck(settings.transfer().source(), ledger, settings.clock(),
                settings.safeguards().deliveryWait());
    }

    /** Whether a cutover waits for mail 4 in the old mailbox: as configured, else whenever the old server is known. */
    public boolean requireMail4Delivered() {
        boolean required = settings.safeguards().requireMail4Delivered().orElse(settings.transfer() != null);
        if (required && settings.transfer() == null) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.REQUIRE_MAIL4_DELIVERED
                    + "=true needs the old server to look in (" + BmaProperties.SOURCE_URL + " and its login)");
        }
        return required;
    }

    /**
     * Refuses a day after the clock's today (Europe/Brussels) unless {@link Safeguards#allowFutureDate()}:
     * a mistyped {@code bma.date} must not send mail 2 or reset passwords days early.
     */
    private void requireNotFuture(LocalDate day) {
        LocalDate today = settings.clock().instant().atZone(PlanningSettings.ZONE).toLocalDate();
        if (day.isAfter(today) && !settings.safeguards().allowFutureDate()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.DATE + " " + day
                    + " is after today (" + today + ", Europe/Brussels): a goal that sends, resets passwords or copies"
                    + " refuses a future day. Check " + BmaProperties.DATE + ", or set " + BmaProperties.ALLOW_FUTURE_DATE
                    + "=true to act for that day on purpose");
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
        try (Ledger ledger = settings.ledger().open(settings.clock())) {
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
        return run(day, selection, cutoverHook, listener, false);
    }

    /**
     * As {@link #run(LocalDate, MailboxSelection, Optional, RunListener)}; with {@code dryRun},
     * nothing is sent, reset, copied, cut over or recorded: each stage says which mailboxes it
     * would act on (as if the stages before it had done their part), and the list is written to
     * {@code <output>/}{@value #DRY_RUN_DIRECTORY}{@code /run-<day>.txt}.
     *
     * @throws BmaException naming {@code bma.date} if {@code day} is after today, unless
     *                      {@link Safeguards#allowFutureDate()} or {@code dryRun}
     */
    public RunResult run(LocalDate day, MailboxSelection selection, Optional<CutoverHook> cutoverHook, RunListener listener,
                         boolean dryRun) {
        settings.inventory().select(selection);
        if (!dryRun) {
            requireNotFuture(day);
        }
        if (settings.transfer() == null) {
            return shared(day, selection, dryRun, this, s -> new MigrationDay(this, cutoverHook, listener, dryRun).run(day, s));
        }
        // One set of login gates for every stage: a refused admin login is tried once a run, not once a stage.
        TransferSettings gated = LoginGate.guard(settings.transfer());
        Bma bma = new Bma(settings.withTransfer(gated));
        RunResult result = shared(day, selection, dryRun, bma,
                s -> new MigrationDay(bma, cutoverHook, listener, dryRun).run(day, s));
        return result.withRefusedLogins(LoginGate.refusals(gated));
    }

    /** On a database ledger, the day's mailboxes are shared with the other runners ({@link SharedDay}); else all are this run's. */
    private RunResult shared(LocalDate day, MailboxSelection selection, boolean dryRun, Bma bma,
                             java.util.function.Function<MailboxSelection, RunResult> runDay) {
        return dryRun ? runDay.apply(selection) : SharedDay.run(settings.ledger(), settings.clock(), bma, day, selection, runDay);
    }

    /**
     * Records that mail routing of the selected mailboxes now goes to Exchange, after running
     * {@code hook} for each if given. A mailbox is cut over only once mail 4 was sent and, when
     * the old server is configured (or {@link Safeguards#requireMail4Delivered()} says so), found in
     * the old mailbox; the others are reported, not recorded.
     */
    public CutoverResult cutover(MailboxSelection selection, Optional<CutoverHook> hook, boolean dryRun) {
        Inventory selected = settings.inventory().select(selection);
        try (Ledger ledger = settings.ledger().open(settings.clock())) {
            List<BmaAddress> addresses = selected.mailboxes().stream().map(Mailbox::address).toList();
            return new Cutover(ledger, hook, requireMail4Delivered() ? Optional.of(deliveryCheck(ledger)) : Optional.empty())
                    .run(addresses, dryRun);
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
        try (Ledger ledger = settings.ledger().openReadOnly(settings.clock())) {
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
        return plan(selection, false);
    }

    /**
     * As {@link #plan(MailboxSelection)}; with {@code dryRun}, the plan files go to
     * {@code <output>/}{@value #DRY_RUN_DIRECTORY}{@code /} for review, and neither the published plan
     * ({@code plan.json}, which {@link #notify} follows, and its copy beside the ledger) nor the
     * ledger is touched.
     */
    public PlanResult plan(MailboxSelection selection, boolean dryRun) {
        settings.inventory().select(selection);
        Map<BmaAddress, LocalDate> previous = PlanFiles.previousDates(settings.ledgerDirectory(), settings.outputDirectory());
        try (Ledger ledger = settings.ledger().open(settings.clock())) {
            MigrationPlan plan = new Planner(settings.planning())
                    .plan(settings.inventory(), Planner.announcedDates(ledger), previous);
            if (dryRun) {
                List<Path> files = PlanFiles.write(plan, settings.outputDirectory().resolve(DRY_RUN_DIRECTORY));
                return new PlanResult(plan, plan.mailboxes().stream().filter(p -> selection.includes(p.address())).toList(),
                        files, ledger.recovery());
            }
            List<Path> files = PlanFiles.write(plan, settings.outputDirectory());
            PlanFiles.keepPublished(files.get(1), ledger.directory());
            ledger.append(LedgerEntry.of(new Event.PlanPublished(plan.size(), plan.changes().size(),
                    PlanFiles.sha256(files.get(0)))));
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
        try (Ledger ledger = settings.ledger().open(settings.clock())) {
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
        try (Ledger ledger = settings.ledger().open(settings.clock())) {
            for (be.cfwb.bma.transfer.MailboxReport m : result.report().mailboxes()) {
                ledger.append(LedgerEntry.of(new Event.MailboxSurveyed(m.error(), m.found(), m.foundBytes(),
                        m.folders().stream().filter(f -> !f.notes().isEmpty()).count())).mailbox(m.mailbox()));
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
        return verify(selection, false);
    }

    /**
     * As {@link #verify(MailboxSelection)}; with {@code dryRun}, records nothing in the ledger and
     * writes the report under {@code <output>/}{@value #DRY_RUN_DIRECTORY}{@code /}.
     */
    public VerifyResult verify(MailboxSelection selection, boolean dryRun) {
        TransferSettings transfer = transferSettings();
        Inventory selected = settings.inventory().select(selection);
        List<BmaAddress> mailboxes = selected.mailboxes().stream().map(Mailbox::address).toList();
        try (Ledger ledger = settings.ledger().open(settings.clock())) {
            VerifyReport report = new Verifier(transfer, settings.clock()).verify(mailboxes);
            for (MailboxVerification m : dryRun ? List.<MailboxVerification>of() : report.mailboxes()) {
                ledger.append(LedgerEntry.of(new Event.Verified(m.isSuccess(), m.source(), m.present(),
                        m.missing().size(), m.duplicated().size(), m.mismatched().size())).mailbox(m.mailbox()));
            }
            Path file = (dryRun ? settings.outputDirectory().resolve(DRY_RUN_DIRECTORY) : settings.outputDirectory())
                    .resolve("verify-report.json");
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
        return "Bma[inventory=" + settings.inventoryDescription() + ", ledger=" + settings.ledger() + "]";
    }
}
