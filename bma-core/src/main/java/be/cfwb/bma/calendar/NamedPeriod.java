package be.cfwb.bma.calendar;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.util.Objects;

/**
 * A named span of days: a school holiday, an extra closed day. Written
 * {@code Congé d'automne=2024-10-21..2024-11-01} in properties.
 *
 * @param name  what people call it, shown in the plan
 * @param range the days
 */
public record NamedPeriod(String name, DateRange range) implements Comparable<NamedPeriod> {

    public NamedPeriod {
        Objects.requireNonNull(range, "range");
        name = Objects.requireNonNull(name, "name").strip();
        if (name.isEmpty()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "The period " + range + " has no name");
        }
    }

    public static NamedPeriod of(String name, String range) {
        return new NamedPeriod(name, DateRange.parse(range));
    }

    /** Parses {@code name=range}; the name may be left out ({@code range} alone), then it is "closed". */
    public static NamedPeriod parse(String text) {
        int eq = text.lastIndexOf('=');
        return eq < 0 ? new NamedPeriod("closed", DateRange.parse(text))
                : new NamedPeriod(text.substring(0, eq), DateRange.parse(text.substring(eq + 1)));
    }

    @Override
    public int compareTo(NamedPeriod other) {
        int c = range.compareTo(other.range);
        return c != 0 ? c : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name + "=" + range;
    }
}
