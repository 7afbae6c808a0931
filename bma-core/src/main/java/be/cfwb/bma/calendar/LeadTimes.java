package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaKind;

import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When mail 1 leaves for a migration day: the lead of {@link PlanningSettings#leadDays()} working
 * days before it, but not before {@link PlanningSettings#announceFrom()}; which days can have the
 * full lead; and the days of each wave open to all its mailboxes. Answers are cached per day.
 */
final class LeadTimes {

    private final PlanningSettings settings;
    private final WorkingDays workingDays;
    private final Map<BmaKind, Map<LocalDate, LocalDate>> mail1Dates = new EnumMap<>(BmaKind.class);
    /** Per kind, the first day mail 1 may leave ({@link PlanningSettings#announceFrom()}), if limited. */
    private final Map<BmaKind, LocalDate> firstMail1 = new EnumMap<>(BmaKind.class);
    private final Map<BmaKind, Map<LocalDate, Boolean>> shortenedDays = new EnumMap<>(BmaKind.class);

    LeadTimes(PlanningSettings settings, WorkingDays workingDays) {
        this.settings = settings;
        this.workingDays = workingDays;
        for (BmaKind kind : BmaKind.values()) {
            mail1Dates.put(kind, new ConcurrentHashMap<>());
            shortenedDays.put(kind, new ConcurrentHashMap<>());
            settings.announceFrom().ifPresent(from -> firstMail1.put(kind, workingDays.firstWorkingDayFrom(from, kind)));
        }
    }

    /** The first day mail 1 may leave for {@code kind}, if {@code bma.announceFrom} limits it. */
    Optional<LocalDate> firstMail1(BmaKind kind) {
        return Optional.ofNullable(firstMail1.get(kind));
    }

    /** See {@link Planner#waveDays(BmaKind)}. */
    List<LocalDate> waveDays(BmaKind kind) {
        Wave wave = settings.wave(kind);
        return wave.window().days().filter(d -> workingDays.isWorkingDay(d, kind))
                .filter(d -> settings.blackouts().stream().noneMatch(b -> b.concernsAll(kind) && b.range().contains(d)))
                .filter(d -> !firstMail1.containsKey(kind) || firstMail1.get(kind).isBefore(d))
                .toList();
    }

    /** True if mail 1 for {@code day} cannot leave the full lead: it would be due before {@code bma.announceFrom}. */
    boolean shortened(LocalDate day, BmaKind kind) {
        return firstMail1.containsKey(kind) && shortenedDays.get(kind).computeIfAbsent(day,
                d -> workingDays.minusWorkingDays(d, settings.leadDays(), kind).isBefore(firstMail1.get(kind)));
    }

    /** The day of mail 1: the lead before {@code day}, but not before {@code bma.announceFrom}. */
    LocalDate mail1Date(LocalDate day, BmaKind kind) {
        return mail1Dates.get(kind).computeIfAbsent(day, d -> {
            LocalDate due = workingDays.minusWorkingDays(d, settings.leadDays(), kind);
            LocalDate first = firstMail1.get(kind);
            return first != null && due.isBefore(first) && first.isBefore(d) ? first : due;
        });
    }
}
