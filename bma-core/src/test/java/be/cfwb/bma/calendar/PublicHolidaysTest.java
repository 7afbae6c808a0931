package be.cfwb.bma.calendar;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.SortedMap;

import static be.cfwb.bma.calendar.Fixtures.d;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PublicHolidaysTest {

    /** Published Easter Sundays, including the earliest (22 March) and latest (25 April) possible. */
    @ParameterizedTest
    @CsvSource({"1818,1818-03-22", "1886,1886-04-25", "1943,1943-04-25", "1961,1961-04-02", "2000,2000-04-23",
            "2008,2008-03-23", "2011,2011-04-24", "2019,2019-04-21", "2023,2023-04-09", "2024,2024-03-31",
            "2025,2025-04-20", "2026,2026-04-05", "2027,2027-03-28", "2038,2038-04-25", "2285,2285-03-22"})
    void easterSunday(int year, LocalDate expected) {
        assertThat(PublicHolidays.easterSunday(year)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            "2023,2023-04-10,2023-05-18,2023-05-29",
            "2024,2024-04-01,2024-05-09,2024-05-20",
            "2025,2025-04-21,2025-05-29,2025-06-09",
            "2026,2026-04-06,2026-05-14,2026-05-25"})
    void easterBasedHolidaysOfSeveralYears(int year, LocalDate easterMonday, LocalDate ascension, LocalDate whitMonday) {
        SortedMap<LocalDate, String> days = PublicHolidays.of(year);
        assertThat(days).containsEntry(easterMonday, "Lundi de Pâques")
                .containsEntry(ascension, "Ascension")
                .containsEntry(whitMonday, "Lundi de Pentecôte");
        assertThat(days).hasSize(11);
    }

    @Test
    void fixedHolidaysAndTheFwbDay() {
        assertThat(PublicHolidays.of(2024).keySet()).contains(d("2024-01-01"), d("2024-05-01"), d("2024-07-21"),
                d("2024-08-15"), d("2024-09-27"), d("2024-11-01"), d("2024-11-11"), d("2024-12-25"));
        assertThat(PublicHolidays.of(2024)).containsEntry(d("2024-09-27"), "Fête de la Fédération Wallonie-Bruxelles");
        // Observances that are not days off.
        assertThat(PublicHolidays.of(2024)).doesNotContainKeys(d("2024-11-02"), d("2024-11-15"), d("2024-12-26"));
    }

    @Test
    void refusesYearsBeforeTheGregorianCalendar() {
        assertThatThrownBy(() -> PublicHolidays.easterSunday(1500)).hasMessageContaining("1500");
    }
}
