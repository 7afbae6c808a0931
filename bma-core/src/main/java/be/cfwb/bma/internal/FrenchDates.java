package be.cfwb.bma.internal;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Dates as French prose writes them: "lundi 4 novembre 2024", "vendredi 1er novembre 2024", "27 novembre 2024 à 07:00". */
public final class FrenchDates {

    private static final DateTimeFormatter DAY_NAME = DateTimeFormatter.ofPattern("EEEE", Locale.FRENCH);
    private static final DateTimeFormatter MONTH_YEAR = DateTimeFormatter.ofPattern("MMMM yyyy", Locale.FRENCH);
    private static final DateTimeFormatter SHORT_MONTH = DateTimeFormatter.ofPattern("MMM", Locale.FRENCH);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.FRENCH);

    private FrenchDates() {
    }

    public static String format(LocalDate date) {
        return DAY_NAME.format(date) + " " + dayMonthYear(date);
    }

    /** "1er octobre 2024". */
    public static String dayMonthYear(LocalDate date) {
        String day = date.getDayOfMonth() == 1 ? "1er" : Integer.toString(date.getDayOfMonth());
        return day + " " + MONTH_YEAR.format(date);
    }

    /** "27 novembre 2024 à 07:00": a Brussels local time written for people. */
    public static String dateTime(LocalDateTime time) {
        return dayMonthYear(time.toLocalDate()) + " à " + HOUR.format(time);
    }

    /** "5 nov.", for chart axes. */
    public static String shortDay(LocalDate date) {
        return date.getDayOfMonth() + " " + SHORT_MONTH.format(date);
    }

    /** "19 novembre 2024", or "du 21 octobre au 1er novembre 2024" for a range of days. */
    public static String range(LocalDate first, LocalDate last) {
        if (first.equals(last)) {
            return dayMonthYear(first);
        }
        String start = dayMonthYear(first);
        if (first.getYear() == last.getYear()) {
            start = start.substring(0, start.length() - 5);
        }
        return "du " + start + " au " + dayMonthYear(last);
    }
}
