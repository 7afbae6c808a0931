package be.cfwb.bma.calendar;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaKind;

import java.util.Locale;
import java.util.Objects;

/**
 * The period in which the mailboxes of one kind migrate, and how many a day.
 *
 * @param kind               the kind of mailbox
 * @param window             the first and last day a mailbox of this kind may migrate
 * @param capacityPerDay     most mailboxes of this kind migrated on one day, at least 1
 * @param usesSchoolHolidays whether migration days may fall in school holidays (organising
 *                           bodies' administrations work then; schools do not)
 */
public record Wave(BmaKind kind, DateRange window, int capacityPerDay, boolean usesSchoolHolidays) {

    public Wave {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(window, "window");
        if (capacityPerDay < 1) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Capacity of the " + kind
                    + " wave is " + capacityPerDay + " mailboxes a day; it must be at least 1");
        }
    }

    /** A stable name for the wave, e.g. {@code ec-2024-11}: the kind and the month it starts. */
    public String name() {
        return kind.prefix() + "-" + window.start().getYear() + "-" + String.format(Locale.ROOT, "%02d", window.start().getMonthValue());
    }

    public Wave withWindow(DateRange window) {
        return new Wave(kind, window, capacityPerDay, usesSchoolHolidays);
    }

    public Wave withCapacity(int capacityPerDay) {
        return new Wave(kind, window, capacityPerDay, usesSchoolHolidays);
    }

    public Wave withSchoolHolidays(boolean usesSchoolHolidays) {
        return new Wave(kind, window, capacityPerDay, usesSchoolHolidays);
    }
}
