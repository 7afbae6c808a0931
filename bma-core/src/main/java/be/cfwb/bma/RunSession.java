package be.cfwb.bma;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.MigrationPlan;
import be.cfwb.bma.campaign.CampaignGuard;
import be.cfwb.bma.campaign.CampaignId;
import be.cfwb.bma.campaign.CampaignLedger;
import be.cfwb.bma.calendar.PlanFiles;
import be.cfwb.bma.calendar.Planner;
import be.cfwb.bma.calendar.PlanningSettings;
import be.cfwb.bma.cutover.Cutover;
import be.cfwb.bma.cutover.CutoverHook;
import be.cfwb.bma.cutover.CutoverResult;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.ledger.MailboxLeases;
import be.cfwb.bma.lifecycle.ProvisionResult;
import be.cfwb.bma.lifecycle.Provisioning;
import be.cfwb.bma.notify.DeliveryCheck;
import be.cfwb.bma.notify.DeliveryResult;
import be.cfwb.bma.notify.MailboxSchedule;
import be.cfwb.bma.notify.NotificationKind;
import be.cfwb.bma.notify.NotificationRun;
import be.cfwb.bma.notify.NotificationSchedule;
import be.cfwb.bma.notify.NotificationSettings;
import be.cfwb.bma.notify.NotifyResult;
import be.cfwb.bma.notify.PlanSchedule;
import be.cfwb.bma.report.MigrationReport;
import be.cfwb.bma.report.ReportWriter;
import be.cfwb.bma.transfer.LoginGates;
import be.cfwb.bma.transfer.MailboxReport;
import be.cfwb.bma.transfer.MailboxVerification;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TargetTraces;
import be.cfwb.bma.transfer.TraceProbe;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.VerifyReport;
import be.cfwb.bma.transfer.MessageWaivers;
import be.cfwb.bma.transfer.SyncedFlags;
import be.cfwb.bma.transfer.Verifier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One verb's, or one day's, hold on the ledger: the ledger is opened (and, for a writer, locked)
 * on first use and held until {@link #close}, and every stage of the day works on that one
 * instance: no other goal slips in between two stages, and what a stage records the next one
 * sees from the ledger's index without reading the journal again.
 *
 * <p>The ledger is the one {@link Bma.Settings#ledger()} names: a JSON Lines directory (locked
 * by a writer) or a PostgreSQL database (several writers; runners split a day through its
 * {@link #leases()}). A reading session ({@link #reading}) opens the ledger without the lock, on a
 * snapshot, so status and the dashboard answer while a writer runs; it records nothing. The ledger is opened lazily so that
 * a verb refused for its input or configuration touches no file. Used by one thread at a time
 * (the engines it calls share the ledger between their workers, which the ledger allows).
 */
final class RunSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunSession.class);

    private final Bma.Settings settings;
    /** The transfer settings, behind one set of login gates for the whole day; null if not configured. */
    private final TransferSettings transfer;
    private final boolean readOnly;
    private Ledger ledger;
    private long eventsAtOpen;
    private CampaignId campaign;

    private RunSession(Bma.Settings settings, TransferSettings transfer, boolean readOnly) {
        this.settings = settings;
        this.transfer = transfer;
        this.readOnly = readOnly;
    }

    /** A session for one verb that may record: the ledger is locked from its first use to {@link #close}. */
    static RunSession writing(Bma.Settings settings) {
        return new RunSession(settings, settings.transfer(), false);
    }

    /** A session that only reads, without the writer's lock. */
    static RunSession reading(Bma.Settings settings) {
        return new RunSession(settings, settings.transfer(), true);
    }

    /**
     * A session for a whole day: the ledger locked now and until {@link #close}, and one set of
     * login gates for every stage, so a refused admin login is tried once a day, not once a stage.
     */
    static RunSession forDay(Bma.Settings settings) {
        RunSession session = new RunSession(settings,
                settings.transfer() == null ? null : LoginGates.guard(settings.transfer()), false);
        session.ledger();
        return session;
    }

    Inventory inventory() {
        return settings.inventory();
    }

    Path outputDirectory() {
        return settings.outputDirectory();
    }

    /** The shared logins refused in this session, one line each (see {@link LoginGates#refusals}). */
    List<String> refusedLogins() {
        return transfer == null ? List.of() : LoginGates.refusals(transfer);
    }

    private Ledger ledger() {
        if (ledger == null) {
            ledger = readOnly ? settings.ledger().openReadOnly(settings.clock()) : settings.ledger().open(settings.clock());
            eventsAtOpen = ledger.size();
        }
        return ledger;
    }

    /**
     * The leases through which runners sharing a database ledger split a day's mailboxes; empty
     * for a ledger one process writes at a time (JSON Lines) and for a reading session.
     */
    Optional<MailboxLeases> leases() {
        return ledger().leases();
    }

    /**
     * The ledger's campaign, recorded before the first thing this session records if the ledger
     * has none yet (a new ledger, or one written before campaigns had ids). Never in a dry run.
     */
    private CampaignId campaign() {
        if (campaign == null) {
            campaign = CampaignLedger.ensure(ledger(), settings.clock());
        }
        return campaign;
    }

    StatusResult status(MailboxSelection selection) {
        Inventory selected = settings.inventory().select(selection);
        Ledger ledger = ledger();
        List<MailboxStatus> rows = new ArrayList<>(selected.size());
        for (Mailbox mailbox : selected.mailboxes()) {
            // The last event of each kind decides the step as the whole history would, without reading it.
            List<LedgerEvent> kinds = ledger.lastOfEachKind(mailbox.address());
            rows.add(new MailboxStatus(mailbox, MailboxStep.of(kinds),
                    MailboxStep.lastStepEvent(kinds).map(LedgerEvent::at), ledger.historyView(mailbox.address()), kinds));
        }
        return new StatusResult(rows, ledger.recovery());
    }

    Path report(MailboxSelection selection) {
        Inventory selected = settings.inventory().select(selection);
        // Days are the schools' days, as in the plan: not the zone of the clock (the JVM's by default).
        MigrationReport report = MigrationReport.of(selected, ledger(), PlanningSettings.ZONE);
        return ReportWriter.write(report, settings.outputDirectory(), settings.clock().instant());
    }

    PlanResult plan(MailboxSelection selection, boolean dryRun) {
        settings.inventory().select(selection);
        Map<BmaAddress, LocalDate> previous = PlanFiles.previousDates(settings.ledgerDirectory(), settings.outputDirectory());
        Ledger ledger = ledger();
        MigrationPlan plan = new Planner(settings.planning()).plan(settings.inventory(), Planner.announcedDates(ledger), previous);
        if (dryRun) {
            List<Path> files = PlanFiles.write(plan, settings.outputDirectory().resolve(Bma.DRY_RUN_DIRECTORY));
            return planResult(plan, selection, files);
        }
        campaign();
        List<Path> files = PlanFiles.write(plan, settings.outputDirectory());
        PlanFiles.keepPublished(files.get(1), ledger.directory());
        ledger.append(LedgerEntry.of(new Event.PlanPublished(plan.size(), plan.changes().size(),
                PlanFiles.sha256(files.get(0)))));
        return planResult(plan, selection, files);
    }

    private PlanResult planResult(MigrationPlan plan, MailboxSelection selection, List<Path> files) {
        return new PlanResult(plan, plan.mailboxes().stream().filter(p -> selection.includes(p.address())).toList(),
                files, ledger().recovery());
    }

    /** The notification settings, or the error that says they are missing. */
    static NotificationSettings notifications(Bma.Settings settings) {
        return settings.notifications().orElseThrow(() -> new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                "Notifications are not configured (BmaConfiguration.notifications)"));
    }

    /** As {@link Bma#notify(MailboxSelection, LocalDate, boolean)}, sending no mail after {@code upTo}. */
    NotifyResult notify(MailboxSelection selection, LocalDate date, boolean dryRun, NotificationKind upTo) {
        NotificationSettings notifications = notifications(settings);
        Inventory selected = settings.inventory().select(selection);
        Ledger ledger = ledger();
        // The published plan (plan.json) is what ops reviewed; without one (a clean target/), the
        // same plan bma:plan would publish: the whole inventory, announced dates kept.
        NotificationSchedule schedule = notifications.schedule().orElseGet(() -> PlanSchedule.of(
                PlanFiles.read(settings.outputDirectory(), settings.inventory()).orElseGet(() ->
                        new Planner(settings.planning()).plan(settings.inventory(), Planner.announcedDates(ledger),
                                Map.of()))));
        NotificationSchedule limited = address -> schedule.of(address).map(s -> upTo(s, upTo));
        NotificationRun run = new NotificationRun(notifications, ledger, settings.clock(), settings.outputDirectory());
        if (!dryRun) {
            // A lost or other ledger must not mail again, nor reset the password of, a mailbox another campaign migrated.
            Optional<TraceProbe> probe = Optional.ofNullable(transfer).flatMap(TransferSettings::probe);
            run.gate(new CampaignGuard(ledger, this::campaign, probe, settings.ledgerDirectory().toString()));
        }
        NotifyResult result = run.run(selected.mailboxes(), limited, date, dryRun);
        if (dryRun || transfer == null) {
            return result;
        }
        // Sent is not received: each mail must be seen where the school reads it, the old mailbox.
        return result.withDelivery(deliveryCheck().run(addresses(selected)));
    }

    /** The schedule with every mail after {@code last} moved out of reach. */
    private static MailboxSchedule upTo(MailboxSchedule schedule, NotificationKind last) {
        EnumMap<NotificationKind, LocalDateTime> due = new EnumMap<>(schedule.due());
        for (NotificationKind kind : NotificationKind.values()) {
            if (kind.number() > last.number()) {
                due.put(kind, LocalDateTime.of(9999, 12, 31, 0, 0));
            }
        }
        return new MailboxSchedule(schedule.mailbox(), schedule.migrationDate(), schedule.accessDate(), due,
                schedule.planVersion());
    }

    DeliveryResult checkDelivery(MailboxSelection selection) {
        transfer();
        return deliveryCheck().run(addresses(settings.inventory().select(selection)));
    }

    private DeliveryCheck deliveryCheck() {
        return new DeliveryCheck(transfer().source(), ledger(), settings.clock(), settings.safeguards().deliveryWait());
    }

    /** Whether a cutover waits for mail 4 in the old mailbox: as configured, else whenever the old server is known. */
    boolean requireMail4Delivered() {
        boolean required = settings.safeguards().requireMail4Delivered().orElse(transfer != null);
        if (required && transfer == null) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.REQUIRE_MAIL4_DELIVERED
                    + "=true needs the old server to look in (" + BmaProperties.SOURCE_URL + " and its login)");
        }
        return required;
    }

    /**
     * Checks that each selected mailbox's target exists and takes our login, and records it
     * provisioned: the step mail 2 (the new password) waits for.
     */
    ProvisionResult provision(MailboxSelection selection) {
        TransferSettings transfer = transfer();
        Inventory selected = settings.inventory().select(selection);
        return new Provisioning(LoginGates.guard(transfer).target(), ledger()).run(addresses(selected));
    }

    CutoverResult cutover(MailboxSelection selection, Optional<CutoverHook> hook, boolean dryRun) {
        Inventory selected = settings.inventory().select(selection);
        Ledger ledger = ledger();
        return new Cutover(ledger, hook, requireMail4Delivered() ? Optional.of(deliveryCheck()) : Optional.empty())
                .run(addresses(selected), dryRun);
    }

    MigrateResult migrate(MailboxSelection selection, Pass pass, boolean dryRun, TransferListener listener) {
        TransferSettings transfer = transfer();
        Inventory selected = settings.inventory().select(selection);
        // Every copy carries the ledger's campaign: what a later, other ledger finds on the target.
        TransferReport report = new SyncEngine(dryRun ? transfer : transfer.withCampaign(campaign().value()), ledger(),
                settings.clock(), listener).run(addresses(selected), pass, dryRun, this::knownBytes);
        Path file = settings.outputDirectory().resolve(dryRun ? "migrate-dry-run-report.json" : "migrate-report.json");
        report.write(file);
        return new MigrateResult(report, file);
    }

    /**
     * What each of {@code mailboxes} is expected to copy in {@code pass}, in bytes: for a first
     * pass, what its survey found on the old server, else its known size ({@code bma.mailboxSizes}),
     * else 0 (unknown until its folders are listed); 0 for the final delta, which copies only what
     * arrived since.
     */
    Map<BmaAddress, Long> expectedBytes(List<BmaAddress> mailboxes, Pass pass) {
        Map<BmaAddress, Long> expected = new LinkedHashMap<>();
        for (BmaAddress a : mailboxes) {
            expected.put(a, pass == Pass.FINAL ? 0 : knownBytes(a));
        }
        return expected;
    }

    /**
     * A mailbox's size before its folders are listed: what its survey found on the old server, else
     * its known size ({@code bma.mailboxSizes}), else 0. A copy starts the largest first.
     */
    private long knownBytes(BmaAddress a) {
        return ledger().lastOfEachKind(a).stream()
                .filter(e -> e.event() instanceof Event.MailboxSurveyed s && s.error().isEmpty())
                .mapToLong(e -> ((Event.MailboxSurveyed) e.event()).bytes()).findFirst()
                .orElseGet(() -> settings.planning().mailboxSizes().bytes(a).orElse(0L));
    }

    /**
     * Reads the selected old mailboxes without copying anything (a dry run) and records what
     * support should know before the migration day: how many messages and bytes the server
     * holds (a mailbox read with a POP client holds almost nothing), and the folders the target
     * will rename. The dashboard flags the anomalies.
     */
    MigrateResult survey(MailboxSelection selection) {
        MigrateResult result = migrate(selection, Pass.PRESTAGE, true, TransferListener.NONE);
        for (MailboxReport m : result.report().mailboxes()) {
            ledger().append(LedgerEntry.of(new Event.MailboxSurveyed(m.error(), m.found(), m.foundBytes(),
                    m.folders().stream().filter(f -> !f.notes().isEmpty()).count())).mailbox(m.mailbox()));
        }
        return result;
    }

    VerifyResult verify(MailboxSelection selection, boolean dryRun) {
        TransferSettings transfer = transfer();
        Inventory selected = settings.inventory().select(selection);
        Ledger ledger = ledger();
        VerifyReport report = new Verifier(transfer, settings.clock(), a -> MessageWaivers.waived(ledger, a),
                a -> SyncedFlags.load(ledger, a))
                .verify(addresses(selected));
        for (MailboxVerification m : dryRun ? List.<MailboxVerification>of() : report.mailboxes()) {
            ledger.append(LedgerEntry.of(new Event.Verified(m.isSuccess(), m.source(), m.present(),
                    m.missing().size(), m.duplicated().size(), m.mismatched().size())).mailbox(m.mailbox()));
        }
        Path file = (dryRun ? settings.outputDirectory().resolve(Bma.DRY_RUN_DIRECTORY) : settings.outputDirectory())
                .resolve("verify-report.json");
        report.write(file);
        return new VerifyResult(report, file);
    }

    WaiveResult waive(MailboxSelection selection, List<MessageWaivers.Request> messages, String by,
                      Optional<String> reason, boolean dryRun) {
        List<Mailbox> selected = settings.inventory().select(selection).mailboxes();
        if (selected.size() != 1 || selection.isAll()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.MAILBOXES + " must name exactly one"
                    + " mailbox for a waive, not " + (selection.isAll() ? "all" : selected.size()));
        }
        BmaAddress mailbox = selected.get(0).address();
        return new WaiveResult(mailbox, MessageWaivers.waive(ledger(), mailbox, messages, by, reason, dryRun), dryRun);
    }

    private TransferSettings transfer() {
        if (transfer == null) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "No transfer configured: set "
                    + BmaProperties.SOURCE_URL + " and " + BmaProperties.TARGET_URL + " and their credentials");
        }
        return transfer;
    }

    private static List<BmaAddress> addresses(Inventory selected) {
        return selected.mailboxes().stream().map(Mailbox::address).toList();
    }

    /**
     * Records, for each selected mailbox whose target holds copies of another campaign (or of
     * none), that {@code by} adopts that state on purpose: this ledger then sends it the mails it
     * has no record of, and resets its password with mail 2. A mailbox with no such copy is left
     * as it is. A dry run records nothing.
     */
    AdoptResult adopt(MailboxSelection selection, String by, boolean dryRun) {
        TraceProbe probe = transfer().probe().orElseThrow(() -> new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                "The target configured cannot be searched for copies (" + BmaProperties.TARGET_URL + " or bma.target=graph)"));
        Inventory selected = settings.inventory().select(selection);
        Ledger ledger = ledger();
        Optional<CampaignId> ours = dryRun ? CampaignLedger.of(ledger) : Optional.of(campaign());
        List<AdoptResult.Row> rows = new ArrayList<>();
        for (BmaAddress mailbox : addresses(selected)) {
            TargetTraces found = probe.probe(mailbox, ours.map(CampaignId::value));
            boolean adopt = found.foreign() && CampaignLedger.adoption(ledger, mailbox).isEmpty();
            if (adopt && !dryRun) {
                CampaignLedger.adopt(ledger, mailbox, found, by);
            }
            rows.add(new AdoptResult.Row(mailbox, found, adopt, CampaignLedger.adoption(ledger, mailbox).isPresent()));
        }
        return new AdoptResult(ours.map(CampaignId::value), rows, dryRun);
    }

    @Override
    public void close() {
        if (ledger == null) {
            return;
        }
        try {
            if (!readOnly && campaign == null && ledger.size() > eventsAtOpen) {
                // A verb that recorded without asking for the campaign: the ledger gets its id all the same.
                campaign();
            }
        } catch (BmaException e) {
            // The ledger refused (a full disk): the verb's own failure says so; the id waits for the next write.
            LOG.debug("No campaign id recorded: {}", e.getMessage());
        } finally {
            ledger.close();
        }
    }
}
