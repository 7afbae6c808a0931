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
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

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
 */
public final class Planner {

    /** The data key of a {@link EventTypes#MAIL_SENT} event (mail 1) that holds the announced date. */
    public static final String ANNOUNCED_DATE_KEY = "migration_date";

    private static final Logger LOG = LoggerFactory.getLogger(Planner.class);
    private static final int MAX_LISTED_PROBLEMS = 20;
    private static final BmaKind[] KINDS = BmaKind.values();
    /** A megabyte, as {@link PlanningSettings#volumePerDay} counts it. */
    private static final long MB = 1024L * 1024L;

    private final PlanningSettings settings;
    private final WorkingDays workingDays;
    private final Map<BmaKind, Map<LocalDate, LocalDate>> mail1Dates = new EnumMap<>(BmaKind.class);
    /** Per kind, the first day mail 1 may leave ({@link PlanningSettings#announceFrom()}), if limited. */
    private final Map<BmaKind, LocalDate> firstMail1 = new EnumMap<>(BmaKind.class);
    private final Map<BmaKind, Map<LocalDate, Boolean>> shortenedDays = new EnumMap<>(BmaKind.class);
    private final long meanBytes;

    public Planner(PlanningSettings settings) {
        this.settings = settings;
        this.workingDays = new WorkingDays(settings);
        this.meanBytes = settings.mailboxSizes().meanBytes();
        for (BmaKind kind : BmaKind.values()) {
            mail1Dates.put(kind, new ConcurrentHashMap<>());
            shortenedDays.put(kind, new ConcurrentHashMap<>());
            settings.announceFrom().ifPresent(from -> firstMail1.put(kind, workingDays.firstWorkingDayFrom(from, kind)));
        }
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
        List<Unit> units = units(mailboxes, announced);
        Placement placement = place(units, previous, true);
        boolean rebalanced = false;
        if (!placement.problems.isEmpty() && placement.anchored > 0) {
            LOG.info("The previous plan leaves no room for {} mailbox(es); planning afresh", placement.problems.size());
            placement = place(units, previous, false);
            rebalanced = true;
        }
        if (!placement.problems.isEmpty()) {
            throw infeasible("No day fits " + placement.problems.size() + " mailbox group(s)", placement.problems);
        }
        List<PlannedMailbox> rows = new ArrayList<>(mailboxes.size());
        for (Unit unit : units) {
            LocalDate day = placement.days.get(unit);
            for (Mailbox m : unit.members) {
                rows.add(row(m, day, unit, announced.containsKey(m.address())));
            }
        }
        List<PlanChange> changes = changes(rows, announced, previous, rebalanced);
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
        Wave wave = settings.wave(kind);
        return wave.window().days().filter(d -> workingDays.isWorkingDay(d, kind))
                .filter(d -> settings.blackouts().stream().noneMatch(b -> b.concernsAll(kind) && b.range().contains(d)))
                .filter(d -> !firstMail1.containsKey(kind) || firstMail1.get(kind).isBefore(d))
                .toList();
    }

    /** True if mail 1 for {@code day} cannot leave the full lead: it would be due before {@code bma.announceFrom}. */
    public boolean leadShortened(LocalDate day, BmaKind kind) {
        return firstMail1.containsKey(kind) && shortenedDays.get(kind).computeIfAbsent(day,
                d -> workingDays.minusWorkingDays(d, settings.leadDays(), kind).isBefore(firstMail1.get(kind)));
    }

    /** A mailbox's weight for the volume limit: its size, or the mean of the known sizes. */
    private long bytes(Mailbox m) {
        return settings.mailboxSizes().bytes(m.address()).orElse(meanBytes);
    }

    private int capacity(BmaKind kind) {
        return Math.min(settings.wave(kind).capacityPerDay(), settings.mailboxesPerDayBySenders());
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
            long available = (long) days * capacity(kind);
            long shortfall = Math.max(0, need - available);
            short_ |= shortfall > 0;
            lines.add(String.format(Locale.ROOT, "%s (%s %s): needed %d, available %d (%d days x %d a day), shortfall %d",
                    settings.wave(kind).name(), kind, settings.wave(kind).window(), need, available, days,
                    capacity(kind), shortfall));
            if (settings.volumePerDay(kind).isPresent()) {
                long needMb = mailboxes.stream().filter(m -> m.kind() == kind && !announced.containsKey(m.address()))
                        .mapToLong(this::bytes).sum() / MB;
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

    /** One unit per same-day group, one per other mailbox, in address order of their first member. */
    private List<Unit> units(List<Mailbox> mailboxes, Map<BmaAddress, LocalDate> announced) {
        Map<String, Unit> groups = new LinkedHashMap<>();
        List<Unit> units = new ArrayList<>();
        for (Mailbox m : mailboxes) {
            String group = groupOf(m);
            if (group.isEmpty() || announced.containsKey(m.address())) {
                // An announced date binds the mailbox alone: the rest of its group is planned without it.
                units.add(new Unit(m, announced.get(m.address())));
            } else {
                Unit u = groups.get(group);
                if (u == null) {
                    u = new Unit(m);
                    groups.put(group, u);
                    units.add(u);
                } else {
                    u.members.add(m);
                }
            }
        }
        units.forEach(Unit::seal);
        return units;
    }

    /** The mailbox's same-day group: its own, else its organising body's when that one is kept together. */
    @SuppressWarnings("JdkObsolete") // keepTogether() is public API typed SortedSet
    private String groupOf(Mailbox m) {
        String own = m.constraints().sameDayGroup();
        if (own.isEmpty() && m.organisingBody().filter(settings.keepTogether()::contains).isPresent()) {
            return "establishments of " + m.organisingBody().get();
        }
        return own;
    }

    private Placement place(List<Unit> units, Map<BmaAddress, LocalDate> previous, boolean keepPrevious) {
        Placement p = new Placement();
        Map<BmaKind, List<LocalDate>> waveDays = new EnumMap<>(BmaKind.class);
        for (BmaKind kind : BmaKind.values()) {
            waveDays.put(kind, waveDays(kind));
        }
        List<Unit> free = new ArrayList<>();
        // 1. announced, 2. fixed: taken as given, announced first so that a fixed date never takes its room.
        List<Unit> announcedFirst = new ArrayList<>(units);
        announcedFirst.sort(Comparator.comparing((Unit u) -> u.announcedDay == null));
        for (Unit u : announcedFirst) {
            Optional<LocalDate> forced = forcedDay(u, p.problems);
            if (forced.isPresent()) {
                if (!p.fits(u, forced.get())) {
                    p.problems.add(u.key() + " must migrate on " + forced.get() + " (" + u.forcedReason
                            + ") but that day is already full");
                }
                p.put(u, forced.get());
            } else if (u.forcedReason == null) {
                u.allowed = allowedDays(u, waveDays);
                free.add(u);
            }
        }
        // 3. the previous plan's days, where still allowed.
        List<Unit> rest = new ArrayList<>();
        for (Unit u : free) {
            LocalDate before = keepPrevious ? previousDay(u, previous) : null;
            if (before != null && u.allowed.contains(before) && p.fits(u, before)) {
                p.put(u, before);
                p.anchored++;
            } else {
                rest.add(u);
            }
        }
        // 4. the rest, most constrained first.
        // With a volume limit, the largest first: packing decreasing sizes wastes the least room.
        boolean byVolume = Arrays.stream(KINDS).anyMatch(k -> settings.volumePerDay(k).isPresent());
        rest.sort(Comparator.comparingInt((Unit u) -> u.allowed.size())
                .thenComparing(Comparator.comparingLong((Unit u) -> byVolume ? Arrays.stream(u.volume).sum() : 0).reversed())
                .thenComparing(Comparator.comparingInt((Unit u) -> u.members.size()).reversed())
                .thenComparing(u -> u.members.get(0).address()));
        rest = seedShortenedDays(rest, waveDays, p);
        for (Unit u : rest) {
            LocalDate best = null;
            double bestScore = Double.MAX_VALUE;
            boolean bestShortened = true;
            for (LocalDate d : u.allowed) {
                if (!p.fits(u, d)) {
                    continue;
                }
                boolean shortened = shortened(u, d);
                double score = p.score(u, d);
                // A full lead first; among shortened days the latest (the longest lead) on a tie.
                if (best == null || (bestShortened && !shortened) || (bestShortened == shortened
                        && (score < bestScore || (shortened && score == bestScore)))) {
                    best = d;
                    bestScore = score;
                    bestShortened = shortened;
                }
            }
            if (best == null) {
                p.problems.add(u.key() + (u.allowed.isEmpty() ? " has no allowed day in its wave (check its forbidden"
                        + " dates, same-day group and blackouts)" : " finds every allowed day full ("
                        + u.allowed.size() + " allowed: " + u.allowed.get(0) + ".." + u.allowed.get(u.allowed.size() - 1) + ")"));
            } else {
                p.put(u, best);
            }
        }
        return p;
    }

    private boolean shortened(Unit u, LocalDate d) {
        for (Mailbox m : u.members) {
            if (leadShortened(d, m.kind())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Gives each shortened-lead day of a wave that has no mailbox of that kind yet the first
     * single mailbox of {@code rest} allowed there, if the wave has enough mailboxes left for
     * every one of its days to get one; returns the units still to place.
     */
    private List<Unit> seedShortenedDays(List<Unit> rest, Map<BmaKind, List<LocalDate>> waveDays, Placement p) {
        List<Unit> left = new ArrayList<>(rest);
        for (BmaKind kind : KINDS) {
            List<LocalDate> empty = waveDays.get(kind).stream().filter(d -> !p.has(kind, d)).toList();
            long free = left.stream().filter(u -> u.members.stream().allMatch(m -> m.kind() == kind)).count();
            if (free < empty.size()) {
                continue;
            }
            for (LocalDate d : empty) {
                if (!leadShortened(d, kind)) {
                    continue;
                }
                for (Iterator<Unit> it = left.iterator(); it.hasNext(); ) {
                    Unit u = it.next();
                    if (u.members.size() == 1 && u.members.get(0).kind() == kind && u.allowed.contains(d) && p.fits(u, d)) {
                        p.put(u, d);
                        it.remove();
                        break;
                    }
                }
            }
        }
        return left;
    }

    private static LocalDate previousDay(Unit u, Map<BmaAddress, LocalDate> previous) {
        LocalDate day = previous.get(u.members.get(0).address());
        for (Mailbox m : u.members) {
            if (day == null || !day.equals(previous.get(m.address()))) {
                return null;
            }
        }
        return day;
    }

    /** The announced or fixed day of a unit; sets {@code forcedReason} (and reports conflicts). */
    private Optional<LocalDate> forcedDay(Unit u, List<String> problems) {
        TreeSet<LocalDate> fixed = new TreeSet<>();
        u.members.forEach(m -> m.constraints().fixedDate().ifPresent(fixed::add));
        if (u.announcedDay != null) {
            u.forcedReason = "announced by mail 1";
            return Optional.of(u.announcedDay);
        }
        if (fixed.isEmpty()) {
            return Optional.empty();
        }
        u.forcedReason = "fixed date";
        if (fixed.size() > 1) {
            problems.add(u.key() + " has members with different fixed dates " + fixed);
            return Optional.empty();
        }
        LocalDate day = fixed.first();
        for (Mailbox m : u.members) {
            Optional<String> closed = workingDays.closure(day, m.kind());
            if (closed.isPresent()) {
                problems.add(m.address() + " has fixed date " + day + ", which is closed (" + closed.get() + ")");
                return Optional.empty();
            }
            if (m.constraints().forbiddenDates().contains(day)) {
                problems.add(m.address() + " has fixed date " + day + ", which is also among its forbidden dates");
                return Optional.empty();
            }
        }
        return Optional.of(day);
    }

    private List<LocalDate> allowedDays(Unit u, Map<BmaKind, List<LocalDate>> waveDays) {
        List<LocalDate> allowed = null;
        for (Mailbox m : u.members) {
            List<Blackout> mine = settings.blackouts().stream().filter(b -> !b.concernsAll(m.kind()) && b.concerns(m)).toList();
            List<LocalDate> days = waveDays.get(m.kind());
            if (!mine.isEmpty() || !m.constraints().forbiddenDates().isEmpty()) {
                days = days.stream()
                        .filter(d -> !m.constraints().forbiddenDates().contains(d))
                        .filter(d -> mine.stream().noneMatch(b -> b.range().contains(d)))
                        .toList();
            }
            if (allowed == null) {
                allowed = days;
            } else {
                List<LocalDate> both = new ArrayList<>(allowed);
                both.retainAll(days);
                allowed = both;
            }
        }
        return allowed;
    }

    /** The day of mail 1: the lead before {@code day}, but not before {@code bma.announceFrom}. */
    private LocalDate mail1Date(LocalDate day, BmaKind kind) {
        return mail1Dates.get(kind).computeIfAbsent(day, d -> {
            LocalDate due = workingDays.minusWorkingDays(d, settings.leadDays(), kind);
            LocalDate first = firstMail1.get(kind);
            return first != null && due.isBefore(first) && first.isBefore(d) ? first : due;
        });
    }

    private PlannedMailbox row(Mailbox m, LocalDate day, Unit unit, boolean announced) {
        LocalDate mail1 = mail1Date(day, m.kind());
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
        if (!groupOf(m).isEmpty()) {
            constraints.add("same day as group " + groupOf(m)
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
                Math.max(1, workingDays.workingDaysBetween(mail1, day, m.kind())));
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

    private List<PlanChange> changes(List<PlannedMailbox> rows, Map<BmaAddress, LocalDate> announced,
                                     Map<BmaAddress, LocalDate> previous, boolean rebalanced) {
        List<PlanChange> changes = new ArrayList<>();
        if (previous.isEmpty()) {
            return changes;
        }
        Map<BmaAddress, PlannedMailbox> now = new HashMap<>();
        rows.forEach(r -> now.put(r.address(), r));
        for (PlannedMailbox r : rows) {
            LocalDate before = previous.get(r.address());
            if (before == null) {
                changes.add(new PlanChange(r.address(), Optional.empty(), Optional.of(r.migrationDate()), "new mailbox"));
            } else if (!before.equals(r.migrationDate())) {
                changes.add(new PlanChange(r.address(), Optional.of(before), Optional.of(r.migrationDate()),
                        why(r, before, announced, rebalanced)));
            }
        }
        previous.forEach((address, before) -> {
            if (!now.containsKey(address)) {
                changes.add(new PlanChange(address, Optional.of(before), Optional.empty(), "no longer in the inventory"));
            }
        });
        return changes;
    }

    private String why(PlannedMailbox r, LocalDate before, Map<BmaAddress, LocalDate> announced, boolean rebalanced) {
        Mailbox m = r.mailbox();
        if (announced.containsKey(m.address())) {
            return "mail 1 announced " + r.migrationDate();
        }
        if (m.constraints().fixedDate().isPresent()) {
            return "fixed date " + m.constraints().fixedDate().get() + " in the inventory";
        }
        Wave wave = settings.wave(m.kind());
        if (!wave.window().contains(before)) {
            return before + " is outside the " + wave.name() + " window " + wave.window();
        }
        Optional<String> closed = workingDays.closure(before, m.kind());
        if (closed.isPresent()) {
            return before + " is closed (" + closed.get() + ")";
        }
        Optional<Blackout> blackout = workingDays.blackout(before, m);
        if (blackout.isPresent()) {
            return before + " is in blackout " + blackout.get().name();
        }
        if (m.constraints().forbiddenDates().contains(before)) {
            return before + " is now a forbidden date";
        }
        if (firstMail1.containsKey(m.kind()) && !firstMail1.get(m.kind()).isBefore(before)) {
            return "mail 1 for " + before + " cannot leave before it (bma.announceFrom " + settings.announceFrom().get() + ")";
        }
        if (!groupOf(m).isEmpty()) {
            return "follows its same-day group " + groupOf(m);
        }
        return rebalanced ? "re-planned afresh: the previous days left no room for constrained mailboxes"
                : before + " is full (capacity " + capacity(m.kind()) + settings.volumePerDay(m.kind())
                        .map(mb -> " mailboxes or " + mb + " MB").orElse("") + " a day)";
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

    /** Mailboxes that migrate together. */
    private final class Unit {
        final List<Mailbox> members = new ArrayList<>(1);
        final LocalDate announcedDay;
        String forcedReason;
        List<LocalDate> allowed = List.of();

        Unit(Mailbox first) {
            members.add(first);
            this.announcedDay = null;
        }

        Unit(Mailbox first, LocalDate announcedDay) {
            members.add(first);
            this.announcedDay = announcedDay;
        }

        String key() {
            String group = groupOf(members.get(0));
            return members.size() > 1 ? "same-day group '" + group + "' (" + members.size() + " mailboxes)"
                    : members.get(0).address().toString();
        }

        /** Members per kind and whether they fit an empty day; set once the members are known. */
        int[] counts;
        long[] volume;
        boolean fitsEmptyDay;

        void seal() {
            counts = new int[KINDS.length];
            volume = new long[KINDS.length];
            members.forEach(m -> {
                counts[m.kind().ordinal()]++;
                volume[m.kind().ordinal()] += bytes(m);
            });
            fitsEmptyDay = members.size() <= settings.mailboxesPerDayBySenders();
            for (BmaKind kind : KINDS) {
                fitsEmptyDay &= counts[kind.ordinal()] <= capacity(kind);
                Optional<Long> limit = settings.volumePerDay(kind);
                fitsEmptyDay &= limit.isEmpty() || volume[kind.ordinal()] <= limit.get() * MB;
            }
        }
    }

    /** Days given so far and the load they make. */
    private final class Placement {
        final Map<Unit, LocalDate> days = new HashMap<>();
        final Map<LocalDate, int[]> load = new HashMap<>();
        final Map<LocalDate, long[]> volumeLoad = new HashMap<>();
        final List<String> problems = new ArrayList<>();
        final int[] capacity = new int[KINDS.length];
        /** Bytes a day per kind; {@link Long#MAX_VALUE} when not limited. */
        final long[] volumeCapacity = new long[KINDS.length];
        final int senders = settings.mailboxesPerDayBySenders();
        int anchored;

        Placement() {
            for (BmaKind kind : KINDS) {
                capacity[kind.ordinal()] = capacity(kind);
                volumeCapacity[kind.ordinal()] = settings.volumePerDay(kind).map(mb -> mb * MB).orElse(Long.MAX_VALUE);
            }
        }

        boolean fits(Unit u, LocalDate d) {
            int[] l = load.get(d);
            if (l == null) {
                return u.fitsEmptyDay;
            }
            long[] v = volumeLoad.get(d);
            for (BmaKind kind : KINDS) {
                int i = kind.ordinal();
                int n = u.counts[i];
                if (n > 0 && (l[i] + n > capacity[i] || v[i] + u.volume[i] > volumeCapacity[i])) {
                    return false;
                }
            }
            return l[KINDS.length] + u.members.size() <= senders;
        }

        double score(Unit u, LocalDate d) {
            int[] l = load.get(d);
            long[] v = volumeLoad.get(d);
            double worst = 0;
            for (BmaKind kind : KINDS) {
                int i = kind.ordinal();
                int n = u.counts[i];
                if (n > 0) {
                    worst = Math.max(worst, (double) ((l == null ? 0 : l[i]) + n) / capacity[i]);
                    if (volumeCapacity[i] != Long.MAX_VALUE) {
                        worst = Math.max(worst, (double) ((v == null ? 0 : v[i]) + u.volume[i]) / volumeCapacity[i]);
                    }
                }
            }
            return worst;
        }

        boolean has(BmaKind kind, LocalDate d) {
            int[] l = load.get(d);
            return l != null && l[kind.ordinal()] > 0;
        }

        void put(Unit u, LocalDate d) {
            days.put(u, d);
            int[] l = load.computeIfAbsent(d, x -> new int[KINDS.length + 1]);
            long[] v = volumeLoad.computeIfAbsent(d, x -> new long[KINDS.length]);
            for (Mailbox m : u.members) {
                l[m.kind().ordinal()]++;
                l[KINDS.length]++;
            }
            for (int i = 0; i < KINDS.length; i++) {
                v[i] += u.volume[i];
            }
        }
    }
}
