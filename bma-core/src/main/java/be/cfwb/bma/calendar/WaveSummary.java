package be.cfwb.bma.calendar;

import java.time.LocalDate;
import java.util.Collections;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How one wave's mailboxes spread over its days.
 *
 * @param wave          the wave
 * @param availableDays the days of the window open to every mailbox of the kind
 * @param load          mailboxes of the wave per migration day (days with none left out)
 */
public record WaveSummary(Wave wave, int availableDays, SortedMap<LocalDate, Integer> load) {

    public WaveSummary {
        load = Collections.unmodifiableSortedMap(new TreeMap<>(load));
    }

    public int mailboxes() {
        return load.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int daysUsed() {
        return load.size();
    }

    public int peakPerDay() {
        return load.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** Mean mailboxes per day used; 0 for an empty wave. */
    public double meanPerDay() {
        return load.isEmpty() ? 0 : (double) mailboxes() / load.size();
    }

    /** One line for the console, e.g. {@code ec-2024-11 (EC 2024-11-04..2024-11-30): 3029 mailboxes on 18 days ...}. */
    public String summaryLine() {
        return String.format(Locale.ROOT, "%s (%s %s): %d mailboxes on %d of %d available days, peak %d/day, mean %.1f/day, capacity %d/day",
                wave.name(), wave.kind(), wave.window(), mailboxes(), daysUsed(), availableDays, peakPerDay(),
                meanPerDay(), wave.capacityPerDay());
    }
}
