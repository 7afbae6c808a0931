package be.cfwb.bma.calendar;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Consecutive days, both ends included. Written {@code 2024-10-21..2024-11-01}, or a single
 * ISO date for one day; {@link #toString()} gives that form back.
 *
 * @param start the first day
 * @param end   the last day, not before {@code start}
 */
public record DateRange(LocalDate start, LocalDate end) implements Comparable<DateRange> {

    private static final Comparator<DateRange> ORDER =
            Comparator.comparing(DateRange::start).thenComparing(DateRange::end);

    public DateRange {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "Date range " + start + ".." + end + " ends before it starts");
        }
    }

    public static DateRange of(LocalDate start, LocalDate end) {
        return new DateRange(start, end);
    }

    public static DateRange day(LocalDate day) {
        return new DateRange(day, day);
    }

    /**
     * Parses {@code 2024-10-21..2024-11-01} or {@code 2024-10-21}.
     *
     * @throws BmaException naming the text and what is wrong with it
     */
    public static DateRange parse(String text) {
        if (text == null || text.isBlank()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Date range is empty; write 2024-10-21..2024-11-01");
        }
        String t = text.strip();
        int dots = t.indexOf("..");
        try {
            if (dots < 0) {
                return day(LocalDate.parse(t));
            }
            return new DateRange(LocalDate.parse(t.substring(0, dots).strip()), LocalDate.parse(t.substring(dots + 2).strip()));
        } catch (DateTimeParseException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "Date range '" + text + "' is not valid: write YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, e.g. 2024-10-21..2024-11-01");
        }
    }

    public boolean contains(LocalDate day) {
        return !day.isBefore(start) && !day.isAfter(end);
    }

    public boolean overlaps(DateRange other) {
        return !other.end.isBefore(start) && !other.start.isAfter(end);
    }

    /** Every day of the range, in order. */
    public Stream<LocalDate> days() {
        return start.datesUntil(end.plusDays(1));
    }

    public int length() {
        return (int) (end.toEpochDay() - start.toEpochDay()) + 1;
    }

    @Override
    public int compareTo(DateRange other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return start.equals(end) ? start.toString() : start + ".." + end;
    }
}
