package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Mailbox;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which days a kind of mailbox can migrate on, and why not when it cannot: weekends,
 * {@link PublicHolidays}, the extra closed days and, for a wave that does not use them,
 * school holidays. Blackouts concern single mailboxes and are asked separately
 * ({@link #blackout}). Thread-safe.
 */
public final class WorkingDays {

    private final PlanningSettings settings;
    private final Map<Integer, SortedMap<LocalDate, String>> holidays = new ConcurrentHashMap<>();

    public WorkingDays(PlanningSettings settings) {
        this.settings = settings;
    }

    /** Why nobody of {@code kind} migrates on {@code day}; empty if it is a working day. */
    public Optional<String> closure(LocalDate day, BmaKind kind) {
        Optional<String> common = closure(day);
        if (common.isPresent()) {
            return common;
        }
        if (!settings.wave(kind).usesSchoolHolidays()) {
            return schoolHoliday(day);
        }
        return Optional.empty();
    }

    /** Why nobody migrates on {@code day} whatever the kind (weekend, holiday, closed day). */
    public Optional<String> closure(LocalDate day) {
        if (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
            return Optional.of("week-end");
        }
        String holiday = holidays.computeIfAbsent(day.getYear(), PublicHolidays::of).get(day);
        if (holiday != null) {
            return Optional.of(holiday);
        }
        for (NamedPeriod p : settings.closedDays()) {
            if (p.range().contains(day)) {
                return Optional.of(p.name());
            }
        }
        return Optional.empty();
    }

    /** The school holiday {@code day} falls in, if any. */
    public Optional<String> schoolHoliday(LocalDate day) {
        for (NamedPeriod p : settings.schoolCalendar()) {
            if (p.range().contains(day)) {
                return Optional.of(p.name());
            }
        }
        return Optional.empty();
    }

    /** The public holiday or FW-B day {@code day} is, if any. */
    public Optional<String> publicHoliday(LocalDate day) {
        return Optional.ofNullable(holidays.computeIfAbsent(day.getYear(), PublicHolidays::of).get(day));
    }

    public boolean isWorkingDay(LocalDate day, BmaKind kind) {
        return closure(day, kind).isEmpty();
    }

    /** The first blackout that keeps {@code mailbox} from migrating on {@code day}, if any. */
    public Optional<Blackout> blackout(LocalDate day, Mailbox mailbox) {
        for (Blackout b : settings.blackouts()) {
            if (b.range().contains(day) && b.concerns(mailbox)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** The working day (of {@code kind}) {@code n} working days after {@code day}; {@code day} itself for 0. */
    public LocalDate plusWorkingDays(LocalDate day, int n, BmaKind kind) {
        LocalDate d = day;
        int left = n;
        while (left > 0) {
            d = d.plusDays(1);
            if (isWorkingDay(d, kind)) {
                left--;
            }
        }
        return d;
    }

    /** The first working day (of {@code kind}) on or after {@code day}. */
    public LocalDate firstWorkingDayFrom(LocalDate day, BmaKind kind) {
        LocalDate d = day;
        while (!isWorkingDay(d, kind)) {
            d = d.plusDays(1);
        }
        return d;
    }

    /** Working days (of {@code kind}) from {@code from}, included, to {@code to}, excluded. */
    public int workingDaysBetween(LocalDate from, LocalDate to, BmaKind kind) {
        return (int) from.datesUntil(to).filter(d -> isWorkingDay(d, kind)).count();
    }

    /** The working day (of {@code kind}) {@code n} working days before {@code day}. */
    public LocalDate minusWorkingDays(LocalDate day, int n, BmaKind kind) {
        LocalDate d = day;
        int left = n;
        while (left > 0) {
            d = d.minusDays(1);
            if (isWorkingDay(d, kind)) {
                left--;
            }
        }
        return d;
    }
}
