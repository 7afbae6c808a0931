package be.cfwb.bma.notify.internal;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Dates as French prose writes them: "lundi 4 novembre 2024", "vendredi 1er novembre 2024". */
public final class FrenchDates {

    private static final DateTimeFormatter DAY_NAME = DateTimeFormatter.ofPattern("EEEE", Locale.FRENCH);
    private static final DateTimeFormatter MONTH_YEAR = DateTimeFormatter.ofPattern("MMMM yyyy", Locale.FRENCH);

    private FrenchDates() {
    }

    public static String format(LocalDate date) {
        String day = date.getDayOfMonth() == 1 ? "1er" : Integer.toString(date.getDayOfMonth());
        return DAY_NAME.format(date) + " " + day + " " + MONTH_YEAR.format(date);
    }
}
