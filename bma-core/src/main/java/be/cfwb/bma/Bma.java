package be.cfwb.bma;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.cutover.CutoverHook;
import be.cfwb.bma.cutover.CutoverResult;
import be.cfwb.bma.ledger.LedgerLocation;
import be.cfwb.bma.ledger.MailboxLeases;
import be.cfwb.bma.calendar.PlanningSettings;
import be.cfwb.bma.lifecycle.RunListener;
import be.cfwb.bma.lifecycle.RunResult;
import be.cfwb.bma.lifecycle.Stage;
import be.cfwb.bma.notify.DeliveryResult;
import be.cfwb.bma.notify.NotificationKind;
import be.cfwb.bma.notify.NotificationSettings;
import be.cfwb.bma.notify.NotifyResult;
import be.cfwb.bma.transfer.MessageWaivers;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferSettings;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Objects;
import java.util.List;
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
 * <p>A {@code Bma} is immutable and safe to share between threads. Each verb that records
 * opens and locks the ledger once for its whole duration ({@link #run}: the whole day, every
 * stage on the one ledger), so two such verbs on one JSON Lines ledger never run at once, in this
 * process or another; {@link #status} and {@link #report} read without the lock, while a writer
 * runs. On a PostgreSQL ledger ({@link BmaConfiguration#ledger(String)}), several {@link #run}s on
 * several machines share each day's mailboxes, none worked by two at once.
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

    /** The ledger's directory, or with a database ledger the local directory of the files kept beside it. */
    public Path ledgerDirectory() {
        return settings.ledgerDirectory();
    }

    /** Where the ledger is: a directory (JSON Lines) or a PostgreSQL database. */
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
        // Read-only and without the lock: status answers while another process runs the day.
        try (RunSession session = RunSession.reading(settings)) {
            return session.status(selection);
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
        RunSession.notifications(settings);
        if (!dryRun) {
            requireNotFuture(date);
        }
        try (RunSession session = RunSession.writing(settings)) {
            return session.notify(selection, date, dryRun, NotificationKind.MAIL4);
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
        try (RunSession session = RunSession.writing(settings)) {
            return session.checkDelivery(selection);
        }
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

    /**
     * Everything due on {@code day} for the selected mailboxes, in the circular's order: mail 1,
     * provisioning, mails 2 and 3, pre-stage copy, mail 4, cutover (with {@code cutoverHook};
     * without it, mailboxes wait for ops to record it), final delta, verification, and the
     * dashboard. Each stage acts only on mailboxes whose earlier steps the ledger shows done,
     * so a rerun or a run after a crash continues where things stand. On a PostgreSQL ledger, the
     * runners of the same day claim its due mailboxes a few at a time (per-mailbox leases), take over
     * those of a runner that died once its leases expire, and each ends when all are done; the result
     * is this runner's share, the dashboard the whole selection's. A shared login (the admin
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
        // One session for the whole day: the ledger locked from the plan to the dashboard, one set of login gates.
        try (RunSession session = RunSession.forDay(settings)) {
            MigrationDay stages = new MigrationDay(session, cutoverHook, listener, dryRun);
            Optional<MailboxLeases> leases = dryRun ? Optional.empty() : session.leases();
            // On a shared (database) ledger, this runner's share of the day; else the whole day.
            return leases.map(l -> new SharedDay(session, l, stages, MailboxLeases.SLEEP).run(day, selection))
                    .orElseGet(() -> stages.run(day, selection));
        }
    }

    /**
     * Records that mail routing of the selected mailboxes now goes to Exchange, after running
     * {@code hook} for each if given. A mailbox is cut over only once mail 4 was sent and, when
     * the old server is configured (or {@link Safeguards#requireMail4Delivered()} says so), found in
     * the old mailbox; the others are reported, not recorded.
     */
    public CutoverResult cutover(MailboxSelection selection, Optional<CutoverHook> hook, boolean dryRun) {
        try (RunSession session = RunSession.writing(settings)) {
            return session.cutover(selection, hook, dryRun);
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
        // Read-only and without the lock, as status.
        try (RunSession session = RunSession.reading(settings)) {
            return session.report(selection);
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
        try (RunSession session = RunSession.writing(settings)) {
            return session.plan(selection, dryRun);
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
        try (RunSession session = RunSession.writing(settings)) {
            if (listener instanceof RunListener run && settings.transfer() != null) {
                // What the pass is expected to copy, so that progress can be told in bytes (CopyProgress).
                List<BmaAddress> selected = settings.inventory().select(selection).mailboxes().stream()
                        .map(Mailbox::address).toList();
                run.copyStarted(pass == Pass.FINAL ? Stage.FINAL_DELTA : Stage.PRESTAGE, session.expectedBytes(selected, pass));
            }
            return session.migrate(selection, pass, dryRun, listener);
        }
    }

    /** {@link #migrate(MailboxSelection, Pass, boolean, TransferListener)}, for real and without a listener. */
    public MigrateResult migrate(MailboxSelection selection, Pass pass) {
        return migrate(selection, pass, false, TransferListener.NONE);
    }

    /**
     * Waives reported messages of one mailbox ({@code bma:waive}): each of {@code messages}
     * ({@code <folder>/<uid>}) must be one a pass reported as not copied; it is then recorded, by
     * {@code by} and for {@code reason}, never copied by a later pass, and no longer keeps the mailbox
     * from "pre-staged" ({@link MessageWaivers}). With {@code dryRun}, checks and records nothing.
     *
     * @throws BmaException {@link BmaErrorCode#INVALID_CONFIGURATION} if the selection is not one
     *                      mailbox or a message was not reported (nothing recorded then)
     */
    public WaiveResult waive(MailboxSelection selection, List<MessageWaivers.Request> messages, String by,
                             Optional<String> reason, boolean dryRun) {
        try (RunSession session = RunSession.writing(settings)) {
            return session.waive(selection, messages, by, reason, dryRun);
        }
    }

    /**
     * Adopts, on purpose and recorded, the target state of the selected mailboxes ({@code bma:adopt}):
     * for each whose target holds this toolkit's copies of another campaign (or of one without id),
     * records {@code campaign.adopted} with what was found and {@code by}; the mails this ledger has
     * no record of are then sent to it as planned. Without it, such a mailbox gets no mail and no
     * new password from this ledger ({@link BmaErrorCode#CAMPAIGN_MISMATCH}). With {@code dryRun},
     * looks and records nothing.
     *
     * @throws BmaException if no target is configured, or the selection names an address outside the inventory
     */
    public AdoptResult adopt(MailboxSelection selection, String by, boolean dryRun) {
        try (RunSession session = RunSession.writing(settings)) {
            return session.adopt(selection, by, dryRun);
        }
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
        try (RunSession session = RunSession.writing(settings)) {
            return session.verify(selection, dryRun);
        }
    }

    @Override
    public String toString() {
        return "Bma[inventory=" + settings.inventoryDescription() + ", ledger=" + settings.ledger() + "]";
    }
}
