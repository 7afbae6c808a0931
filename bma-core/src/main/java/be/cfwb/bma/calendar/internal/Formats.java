package be.cfwb.bma.calendar.internal;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The one way dates and times are written in the plan files. */
final class Formats {

    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm", Locale.ROOT);

    private Formats() {
    }

    static String dateTime(LocalDateTime t) {
        return DATE_TIME.format(t);
    }
}
