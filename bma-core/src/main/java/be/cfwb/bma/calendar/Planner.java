package be.cfwb.bma.calendar;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.EventTypes;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEvent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Gives each mailbox its migration day. Deterministic: the same inventory, settings,
 * announced dates and previous plan always give the same plan.
 *
 * <p>How it places mailboxes, in this order:
 * <ol>
 *   <li>a date announced by mail 1 (read from the ledger) is kept, whatever else changed;</li>
 *   <li>a fixed date from the inventory is taken as given (it must be a working day);</li>
 *   <li>a mailbox keeps its day from the previous plan if that day is still allowed and has
 *       room, so adding or removing mailboxes moves nobody else;</li>
 *   <li>when a wave has a mailbox to spare for each of its days, each day whose mail 1 cannot
 *       leave the full lead (it would fall before {@link PlanningSettings#announceFrom()})
 *       gets one, the first single mailbox of the rest below allowed there, so that the wave
 *       starts on its first day as the circular says ("débutera dès le 1er octobre");</li>
 *   <li>the rest, most constrained first (then largest first when a volume limit applies),
 *       then in address order, each go to the allowed day with the least load (earliest on
 *       a tie) among the days that leave the full lead: the load is dealt evenly over them.
 *       Only when those are full does a mailbox go to a day with a shortened lead (the
 *       latest, so the longest lead, on a tie): shortened leads are as few as capacity allows.</li>
 * </ol>
 * A "same day" group is placed as one unit on a day allowed to all its members. If keeping
 * the previous days leaves a constrained mailbox no room, the whole plan is recomputed
 * without them and every move is reported. Capacity is never exceeded: when the mailboxes
 * do not fit, planning fails with the numbers ({@link BmaErrorCode#PLAN_INFEASIBLE}).
 *
 * <p>The jobs are shared out: {@link SameDayGroups} makes the units, {@link DayAllocator} gives
 * them their days (balancing the load kept by {@link DayLoad} within {@link DayCapacity}),
 * {@link LeadTimes} dates mail 1 and knows which days have the full lead, and
 * {@link PlanChanges} says what moved and why, {@link PrestageDates} dates the copy ahead of each day.
 * This class checks the totals, writes the rows and
 * sums up the waves.
 */
public final class Planner {

    /** The data key of a {@link EventTypes#MAIL_SENT} event (mail 1) that holds the announced date. */
    public static final String ANNOUNCED_DATE_KEY = "migration_date";

    private static final Logger LOG = LoggerFactory.getLogger(Planner.class);
    private static final int MAX_LISTED_PROBLEMS = 20;

    private final PlanningSettings settings;
    private final WorkingDays workingDays;
    private final LeadTimes leadTimes;
    private final DayCapacity capacity;
    private final SameDayGroups groups;

    public Planner(PlanningSettings settings) {
        this.settings = settings;
        this.workingDays = new WorkingDays(settings);
        this.leadTimes = new LeadTimes(settings, workingDays);
        this.capacity = new DayCapacity(settings);
        this.groups = new SameDayGroups(settings);
    }

    public WorkingDays workingDays() {
        return workingDays;
    }

    /** A fresh plan: nothing announced, no previous plan. */
    public MigrationPlan plan(Inventory inventory) {
        return plan(inventory, Map.of(), Map.of());
    }

    /**
     * Plans {@code inventory}.
     *
     * @param announced the dates mail 1 announced ({@link #announcedDates(Ledger)}), kept as they are
     * @param previous  each mailbox's day in the previous plan, kept where still possible; empty for none
     * @throws BmaException {@link BmaErrorCode#PLAN_INFEASIBLE} with the numbers per wave, or the
     *                      mailboxes that cannot be placed and why
     */
    public MigrationPlan plan(Inventory inventory, Map<BmaAddress, LocalDate> announced,
                              Map<BmaAddress, LocalDate> previous) {
        List<Mailbox> mailboxes = inventory.mailboxes();
        checkTotals(mailboxes, announced);
        List<PlanUnit> units = groups.units(mailboxes, announced, capacity);
        DayAllocator allocator = new DayAllocator(settings, workingDays, leadTimes, capacity);
        DayLoad placement = allocator.place(units, previous, true);
        boolean rebalanced = false;
        if (!placement.problems.isEmpty() && placement.anchored > 0) {
            LOG.info("The previous plan leaves no room for {} mailbox(es); planning afresh", placement.problems.size());
            placement = allocator.place(units, previous, false);
            rebalanced = true;
        }
        if (!placement.problems.isEmpty()) {
            throw infeasible("No day fits " + placement.problems.size() + " mailbox group(s)", placement.problems);
        }
        PrestageDates prestage = new PrestageDates(settings, workingDays);
        for (PlanUnit unit : units) {
            LocalDate day = placement.days.get(unit);
            unit.members.forEach(m -> prestage.add(m, day));
        }
        List<PlannedMailbox> rows = new ArrayList<>(mailboxes.size());
        for (PlanUnit unit : units) {
            LocalDate day = placement.days.get(unit);
            for (Mailbox m : unit.members) {
                rows.add(row(m, day, unit, announced.containsKey(m.address()), prestage.of(m, day)));
            }
        }
        List<PlanChange> changes = new PlanChanges(settings, workingDays, leadTimes, capacity, groups)
                .between(rows, announced, previous, rebalanced);
        return new MigrationPlan(settings, rows, summaries(rows), changes);
    }

    /**
     * A plan of rows made earlier (read back from a file): the summaries are recomputed,
     * no change is reported.
     */
    public MigrationPlan planOf(List<PlannedMailbox> rows) {
        return new MigrationPlan(settings, rows, summaries(rows), List.of());
    }

    /**
     * The dates announced by mail 1, from the ledger's {@link EventTypes#MAIL_SENT} events with
     * {@code mail=1} and {@value #ANNOUNCED_DATE_KEY}; the latest event of a mailbox wins.
     *
     * @throws BmaException {@link BmaErrorCode#LEDGER_CORRUPT} if an announced date is not a date
     */
    public static Map<BmaAddress, LocalDate> announcedDates(Ledger ledger) {
        Map<BmaAddress, LocalDate> dates = new TreeMap<>();
        for (BmaAddress mailbox : ledger.mailboxes()) {
            Optional<LedgerEvent> mail1 = ledger.lastOfEachKind(mailbox).stream()
                    .filter(e -> e.event() instanceof Event.MailSent sent && sent.mail() == 1).findFirst();
            if (mail1.isEmpty()) {
                continue;
            }
            LedgerEvent e = mail1.get();
            Optional<String> date = ((Event.MailSent) e.event()).migrationDate();
            if (date.isEmpty()) {
                LOG.warn("Ledger event {} says mail 1 was sent to {} without its {}; the previous plan's date is kept if any",
                        e.sequence(), e.mailbox().get(), ANNOUNCED_DATE_KEY);
                continue;
            }
            try {
                dates.put(e.mailbox().get(), LocalDate.parse(date.get()));
            } catch (DateTimeParseException ex) {
                throw new BmaException(BmaErrorCode.LEDGER_CORRUPT, "Ledger event " + e.sequence() + " for "
                        + e.mailbox().get() + " has " + ANNOUNCED_DATE_KEY + "='" + date.get() + "', not a date");
            }
        }
        return dates;
    }

    /**
     * The days of the kind's window open to all its mailboxes: no closure, no kind-wide
     * blackout, and a working day for mail 1 before it (from {@link PlanningSettings#announceFrom()} on).
     */
    public List<LocalDate> waveDays(BmaKind kind) {
        return leadTimes.waveDays(kind);
    }

    /** True if mail 1 for {@code day} cannot leave the full lead: it would be due before {@code bma.announceFrom}. */
    public boolean leadShortened(LocalDate day, BmaKind kind) {
        return leadTimes.shortened(day, kind);
    }

    private void checkTotals(List<Mailbox> mailboxes, Map<BmaAddress, LocalDate> announced) {
        Map<BmaKind, Integer> needed = new EnumMap<>(BmaKind.class);
        mailboxes.stream().filter(m -> !announced.containsKey(m.address()))
                .forEach(m -> needed.merge(m.kind(), 1, Integer::sum));
        List<String> lines = new ArrayList<>();
        boolean short_ = false;
        for (BmaKind kind : List.of(BmaKind.PO, BmaKind.EC)) {
            int need = needed.getOrDefault(kind, 0);
            int days = waveDays(kind).size();
            long available = (long) days * capacity.mailboxes(kind);
            long shortfall = Math.max(0, need - available);
            short_ |= shortfall > 0;
            lines.add(String.format(Locale.ROOT, "%s (%s %s): needed %d, available %d (%d days x %d a day), shortfall %d",
                    settings.wave(kind).name(), kind, settings.wave(kind).window(), need, available, days,
                    capacity.mailboxes(kind), shortfall));
            if (settings.volumePerDay(kind).isPresent()) {
                long needMb = mailboxes.stream().filter(m -> m.kind() == kind && !announced.containsKey(m.address()))
                        .mapToLong(capacity::bytes).sum() / DayCapacity.MB;
                long availableMb = days * settings.volumePerDay(kind).get();
                short_ |= needMb > availableMb;
                lines.add(String.format(Locale.ROOT, "%s volume: needed %d MB, available %d MB (%d days x %d MB a day), shortfall %d MB",
                        settings.wave(kind).name(), needMb, availableMb, days, settings.volumePerDay(kind).get(),
                        Math.max(0, needMb - availableMb)));
            }
        }
        if (short_) {
            throw new BmaException(BmaErrorCode.PLAN_INFEASIBLE, "The mailboxes do not fit in the waves: "
                    + String.join("; ", lines) + ". Raise bma.capacity.* (or bma.volumePerDay.*), widen bma.window.* or remove closed days;"
                    + " no plan was written");
        }
    }

    private PlannedMailbox row(Mailbox m, LocalDate day, PlanUnit unit, boolean announced, LocalDate prestageDate) {
        LocalDate mail1 = leadTimes.mail1Date(day, m.kind());
        List<LocalDateTime> mails = List.of(
                mail1.atTime(settings.mailTime(1)),
                day.atTime(settings.mailTime(2)),
                day.atTime(settings.mailTime(3)),
                day.atTime(settings.mailTime(4)));
        List<String> constraints = new ArrayList<>();
        if (announced) {
            constraints.add(PlannedMailbox.ANNOUNCED);
            // The promise stands, but ops must know it now falls on a day the settings close.
            Optional<String> conflict = workingDays.closure(day, m.kind()).map(c -> "announced day now closed (" + c + ")")
                    .or(() -> workingDays.blackout(day, m).map(b -> "announced day now in blackout " + b.name()));
            conflict.ifPresent(c -> {
                constraints.add(c);
                LOG.warn("{} keeps its announced day {}: {}", m.address(), day, c);
            });
        }
        m.constraints().fixedDate().ifPresent(d -> constraints.add("fixed " + d));
        if (!m.constraints().forbiddenDates().isEmpty()) {
            StringBuilder s = new StringBuilder("forbidden");
            m.constraints().forbiddenDates().forEach(d -> s.append(' ').append(d));
            constraints.add(s.toString());
        }
        if (!groups.of(m).isEmpty()) {
            constraints.add("same day as group " + groups.of(m)
                    + (unit.members.size() > 1 ? " (" + unit.members.size() + " mailboxes)" : ""));
        }
        Wave wave = settings.wave(m.kind());
        for (Blackout b : settings.blackouts()) {
            if (!b.concernsAll(m.kind()) && b.concerns(m) && b.range().overlaps(wave.window())) {
                constraints.add("blackout " + b.name() + " " + b.range());
            }
        }
        return new PlannedMailbox(m, wave.name(), day, mails, constraints,
                workingDays.plusWorkingDays(day, settings.accessDelayDays(), m.kind()),
                Math.max(1, workingDays.workingDaysBetween(mail1, day, m.kind())), prestageDate);
    }

    private List<WaveSummary> summaries(List<PlannedMailbox> rows) {
        List<WaveSummary> list = new ArrayList<>();
        for (BmaKind kind : List.of(BmaKind.PO, BmaKind.EC)) {
            SortedMap<LocalDate, Integer> load = new TreeMap<>();
            rows.stream().filter(r -> r.kind() == kind).forEach(r -> load.merge(r.migrationDate(), 1, Integer::sum));
            list.add(new WaveSummary(settings.wave(kind), waveDays(kind).size(), load));
        }
        return list;
    }

    private static BmaException infeasible(String headline, List<String> problems) {
        StringBuilder s = new StringBuilder(headline).append(": ");
        for (int i = 0; i < Math.min(problems.size(), MAX_LISTED_PROBLEMS); i++) {
            s.append(i == 0 ? "" : "; ").append(problems.get(i));
        }
        if (problems.size() > MAX_LISTED_PROBLEMS) {
            s.append("; and ").append(problems.size() - MAX_LISTED_PROBLEMS).append(" more");
        }
        return new BmaException(BmaErrorCode.PLAN_INFEASIBLE, s.append(". No plan was written").toString());
    }
}
