package be.cfwb.bma.calendar;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.config.BmaSettingsReader;

import java.util.Optional;

/**
 * How far ahead of its migration day a mailbox is pre-staged (its bulk copied while the old
 * mailbox still receives), so that the day itself only copies the delta.
 *
 * <p>Either a fixed number of working days ({@value BmaProperties#PRESTAGE_DAYS}), or, by default,
 * sized from each migration day's volume: enough working days that the day's bytes can be copied
 * at {@link #parallelism()} mailboxes at once, each within Exchange Online's per-mailbox budget
 * ({@link #MAILBOX_BYTES_PER_HOUR}), during {@link #COPY_HOURS_PER_DAY} hours of each working day:
 * <pre>
 *   days = max(1, ceil(day's bytes / (parallelism x 1,800 MB/h x 8 h)))
 * </pre>
 * The budget is Microsoft's (150 MB of upload per 5 minutes per mailbox); the hours are the
 * toolkit's assumption, to confirm with ETNIC.
 *
 * @param days        the fixed lead in working days (0: on the migration day itself), or empty to
 *                    size it from the day's volume
 * @param parallelism mailboxes copied at once ({@value BmaProperties#PARALLELISM})
 */
public record PrestageSettings(Optional<Integer> days, int parallelism) {

    /** A megabyte as the budget counts it. */
    public static final long MB = 1024L * 1024L;
    /** Exchange Online's upload budget per mailbox: 150 MB per 5 minutes, so 1,800 MB an hour. */
    public static final long MAILBOX_BYTES_PER_HOUR = 150L * MB * 12;
    /** Hours of a working day given to the copy (an assumption: office hours, when ops watch it). */
    public static final int COPY_HOURS_PER_DAY = 8;
    /** The old mailboxes' quota (« 80 méga-octets », circular n°9358): the size of a mailbox nobody measured. */
    public static final long OLD_QUOTA_BYTES = 80L * MB;
    /** The most working days ahead a pre-stage may be set to. */
    public static final int MAX_DAYS = 20;

    private static final PrestageSettings DEFAULTS = new PrestageSettings(Optional.empty(), 4);

    public PrestageSettings {
        days = days == null ? Optional.empty() : days;
        days.ifPresent(d -> {
            if (d < 0 || d > MAX_DAYS) {
                throw invalid(BmaProperties.PRESTAGE_DAYS + " " + d + " is out of range; use 0 (the migration day) to "
                        + MAX_DAYS + " working days, or leave it unset to size it from the day's volume");
            }
        });
        if (parallelism < 1 || parallelism > 64) {
            throw invalid(BmaProperties.PARALLELISM + " " + parallelism + " is out of range; use 1 to 64");
        }
    }

    /** Sized from each day's volume, 4 mailboxes at once (the default {@code bma.parallelism}). */
    public static PrestageSettings defaults() {
        return DEFAULTS;
    }

    /** A fixed lead of {@code days} working days. */
    public PrestageSettings withDays(int days) {
        return new PrestageSettings(Optional.of(days), parallelism);
    }

    /** These settings with the keys {@code properties} has applied ({@value BmaProperties#PRESTAGE_DAYS}, {@value BmaProperties#PARALLELISM}). */
    public PrestageSettings read(BmaSettingsReader properties) {
        Optional<Integer> d = properties.string(BmaProperties.PRESTAGE_DAYS).filter(v -> v.equalsIgnoreCase("auto")).isPresent()
                ? Optional.empty() : properties.integer(BmaProperties.PRESTAGE_DAYS).or(() -> days);
        return new PrestageSettings(d, properties.integer(BmaProperties.PARALLELISM).orElse(parallelism));
    }

    /** Bytes the copy gets through in one working day: all mailboxes at once, each within its budget. */
    public long bytesPerDay() {
        return parallelism * MAILBOX_BYTES_PER_HOUR * COPY_HOURS_PER_DAY;
    }

    /** Working days ahead of a migration day that copies {@code dayBytes}: the fixed lead, else the formula above. */
    public int daysAhead(long dayBytes) {
        return days.orElseGet(() -> (int) Math.min(MAX_DAYS, Math.max(1, (dayBytes + bytesPerDay() - 1) / bytesPerDay())));
    }

    private static BmaException invalid(String message) {
        return new BmaException(BmaErrorCode.INVALID_CONFIGURATION, message);
    }
}
