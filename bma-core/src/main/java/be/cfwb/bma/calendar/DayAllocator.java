package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Mailbox;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import static be.cfwb.bma.calendar.DayCapacity.KINDS;

/**
 * Deals the units over the days of their wave: the announced and fixed days first, then the
 * previous plan's days, then the rest balanced over the allowed days with the full lead (see
 * {@link Planner} for the rules and their order).
 */
final class DayAllocator {

    private final PlanningSettings settings;
    private final WorkingDays workingDays;
    private final LeadTimes leadTimes;
    private final DayCapacity capacity;

    DayAllocator(PlanningSettings settings, WorkingDays workingDays, LeadTimes leadTimes, DayCapacity capacity) {
        this.settings = settings;
        this.workingDays = workingDays;
        this.leadTimes = leadTimes;
        this.capacity = capacity;
    }

    /**
     * Gives each unit its day, in the order the planner's rules say ({@link Planner}); what cannot
     * be placed is in the result's problems. With {@code keepPrevious}, units keep their day of
     * {@code previous} where still allowed and free.
     */
    DayLoad place(List<PlanUnit> units, Map<BmaAddress, LocalDate> previous, boolean keepPrevious) {
        DayLoad p = new DayLoad(capacity);
        Map<BmaKind, List<LocalDate>> waveDays = new EnumMap<>(BmaKind.class);
        for (BmaKind kind : BmaKind.values()) {
            waveDays.put(kind, leadTimes.waveDays(kind));
        }
        List<PlanUnit> free = new ArrayList<>();
        // 1. announced, 2. fixed: taken as given, announced first so that a fixed date never takes its room.
        List<PlanUnit> announcedFirst = new ArrayList<>(units);
        announcedFirst.sort(Comparator.comparing((PlanUnit u) -> u.announcedDay == null));
        for (PlanUnit u : announcedFirst) {
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
        List<PlanUnit> rest = new ArrayList<>();
        for (PlanUnit u : free) {
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
        rest.sort(Comparator.comparingInt((PlanUnit u) -> u.allowed.size())
                .thenComparing(Comparator.comparingLong((PlanUnit u) -> byVolume ? Arrays.stream(u.volume).sum() : 0).reversed())
                .thenComparing(Comparator.comparingInt((PlanUnit u) -> u.members.size()).reversed())
                .thenComparing(u -> u.members.get(0).address()));
        rest = seedShortenedDays(rest, waveDays, p);
        for (PlanUnit u : rest) {
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

    private boolean shortened(PlanUnit u, LocalDate d) {
        for (Mailbox m : u.members) {
            if (leadTimes.shortened(d, m.kind())) {
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
    private List<PlanUnit> seedShortenedDays(List<PlanUnit> rest, Map<BmaKind, List<LocalDate>> waveDays, DayLoad p) {
        List<PlanUnit> left = new ArrayList<>(rest);
        for (BmaKind kind : KINDS) {
            List<LocalDate> empty = waveDays.get(kind).stream().filter(d -> !p.has(kind, d)).toList();
            long free = left.stream().filter(u -> u.members.stream().allMatch(m -> m.kind() == kind)).count();
            if (free < empty.size()) {
                continue;
            }
            for (LocalDate d : empty) {
                if (!leadTimes.shortened(d, kind)) {
                    continue;
                }
                for (Iterator<PlanUnit> it = left.iterator(); it.hasNext(); ) {
                    PlanUnit u = it.next();
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

    private static LocalDate previousDay(PlanUnit u, Map<BmaAddress, LocalDate> previous) {
        LocalDate day = previous.get(u.members.get(0).address());
        for (Mailbox m : u.members) {
            if (day == null || !day.equals(previous.get(m.address()))) {
                return null;
            }
        }
        return day;
    }

    /** The announced or fixed day of a unit; sets {@code forcedReason} (and reports conflicts). */
    private Optional<LocalDate> forcedDay(PlanUnit u, List<String> problems) {
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

    private List<LocalDate> allowedDays(PlanUnit u, Map<BmaKind, List<LocalDate>> waveDays) {
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
}
