package be.cfwb.bma.calendar;

import java.time.LocalDate;
import java.time.Month;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The days nobody works on for the FW-B, for any year: the ten Belgian public holidays
 * (1 January, Easter Monday, 1 May, Ascension, Whit Monday, 21 July, 15 August,
 * 1 November, 11 November, 25 December) and the Fête de la Fédération Wallonie-Bruxelles
 * (27 September).
 *
 * <p>Computed here rather than taken from a holiday library: the maintained one
 * (jollyday) would bring an XML stack (jackson-dataformat-xml, woodstox, stax2) and
 * threeten-extra into an embeddable library for ten dates, pins an older Jackson than ours,
 * and does not know the FW-B day anyway. Easter uses the Anonymous Gregorian algorithm
 * (Meeus/Jones/Butcher), tested against published dates.
 */
public final class PublicHolidays {

    private PublicHolidays() {
    }

    /** Easter Sunday of {@code year} in the Gregorian calendar (1583 onwards). */
    public static LocalDate easterSunday(int year) {
        if (year < 1583) {
            throw new IllegalArgumentException("year " + year + " is before the Gregorian calendar");
        }
        int a = year % 19;
        int b = year / 100;
        int c = year % 100;
        int d = b / 4;
        int e = b % 4;
        int f = (b + 8) / 25;
        int g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30;
        int i = c / 4;
        int k = c % 4;
        int l = (32 + 2 * e + 2 * i - h - k) % 7;
        int m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31;
        int day = (h + l - 7 * m + 114) % 31 + 1;
        return LocalDate.of(year, month, day);
    }

    /** The closed days of {@code year} with their French names, in date order. */
    public static SortedMap<LocalDate, String> of(int year) {
        SortedMap<LocalDate, String> days = new TreeMap<>();
        LocalDate easter = easterSunday(year);
        days.put(LocalDate.of(year, Month.JANUARY, 1), "Nouvel An");
        days.put(easter.plusDays(1), "Lundi de Pâques");
        days.put(LocalDate.of(year, Month.MAY, 1), "Fête du Travail");
        days.put(easter.plusDays(39), "Ascension");
        days.put(easter.plusDays(50), "Lundi de Pentecôte");
        days.put(LocalDate.of(year, Month.JULY, 21), "Fête nationale");
        days.put(LocalDate.of(year, Month.AUGUST, 15), "Assomption");
        days.put(LocalDate.of(year, Month.SEPTEMBER, 27), "Fête de la Fédération Wallonie-Bruxelles");
        days.put(LocalDate.of(year, Month.NOVEMBER, 1), "Toussaint");
        days.put(LocalDate.of(year, Month.NOVEMBER, 11), "Armistice");
        days.put(LocalDate.of(year, Month.DECEMBER, 25), "Noël");
        return Collections.unmodifiableSortedMap(days);
    }
}
