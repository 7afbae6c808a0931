package be.cfwb.bma.calendar;

import be.cfwb.bma.address.Mailbox;

import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gives each mailbox its pre-stage date: {@link PrestageSettings#daysAhead} working days before its
 * migration day, counted on the mailbox's own calendar (its kind's closed days and school
 * holidays, and its blackouts), the lead sized from the volume of the whole migration day.
 */
final class PrestageDates {

    private final PrestageSettings settings;
    private final WorkingDays workingDays;
    private final MailboxSizes sizes;
    private final long unknownBytes;
    private final Map<LocalDate, Long> bytesPerDay = new TreeMap<>();

    PrestageDates(PlanningSettings planning, WorkingDays workingDays) {
        this.settings = planning.prestage();
        this.workingDays = workingDays;
        this.sizes = planning.mailboxSizes();
        // Unmeasured mailboxes: the mean of the measured ones, or the old quota when none is measured.
        this.unknownBytes = sizes.isEmpty() ? PrestageSettings.OLD_QUOTA_BYTES : sizes.meanBytes();
    }

    /** Counts {@code mailbox} in the volume of {@code day}; every mailbox is added before any date is asked. */
    void add(Mailbox mailbox, LocalDate day) {
        bytesPerDay.merge(day, bytes(mailbox), Long::sum);
    }

    /** The bytes of {@code mailbox} as the sizing counts them: its known size, else the estimate. */
    long bytes(Mailbox mailbox) {
        return sizes.bytes(mailbox.address()).orElse(unknownBytes);
    }

    /** Working days ahead of {@code day} its mailboxes are pre-staged. */
    int daysAhead(LocalDate day) {
        return settings.daysAhead(bytesPerDay.getOrDefault(day, 0L));
    }

    /** The pre-stage date of {@code mailbox}, migrating on {@code day}. */
    LocalDate of(Mailbox mailbox, LocalDate day) {
        LocalDate d = day;
        int left = daysAhead(day);
        while (left > 0) {
            d = d.minusDays(1);
            if (workingDays.isWorkingDay(d, mailbox.kind()) && workingDays.blackout(d, mailbox).isEmpty()) {
                left--;
            }
        }
        return d;
    }
}
