package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaKind;

import org.junit.jupiter.api.Test;

import java.util.List;

import static be.cfwb.bma.calendar.Fixtures.d;
import static be.cfwb.bma.calendar.Fixtures.ec;
import static org.assertj.core.api.Assertions.assertThat;

class WorkingDaysTest {

    private final WorkingDays days = new WorkingDays(PlanningSettings.defaults2024());

    @Test
    void fwbSchoolCalendar2024To2025ClosesSchoolsNotOrganisingBodies() {
        for (String holiday : List.of("2024-10-21", "2024-10-25", "2024-10-31", "2024-12-23", "2025-01-03",
                "2025-02-24", "2025-03-07", "2025-04-28", "2025-05-09", "2025-07-04", "2025-08-22")) {
            assertThat(days.isWorkingDay(d(holiday), BmaKind.EC)).as(holiday).isFalse();
            assertThat(days.schoolHoliday(d(holiday))).as(holiday).isPresent();
        }
        assertThat(days.closure(d("2024-10-22"), BmaKind.EC)).contains("Congé d'automne (Toussaint)");
        assertThat(days.closure(d("2025-01-02"), BmaKind.EC)).contains("Vacances d'hiver (Noël)");
        assertThat(days.closure(d("2025-03-03"), BmaKind.EC)).contains("Congé de détente (Carnaval)");
        assertThat(days.closure(d("2025-05-05"), BmaKind.EC)).contains("Vacances de printemps (Pâques)");
        // PO administrations work during school holidays, but not on public holidays.
        assertThat(days.isWorkingDay(d("2024-10-22"), BmaKind.PO)).isTrue();
        assertThat(days.closure(d("2024-11-01"), BmaKind.PO)).contains("Toussaint");
        // School days around the breaks.
        for (String school : List.of("2024-10-18", "2024-11-04", "2024-12-20", "2025-01-06", "2025-03-10", "2025-05-12")) {
            assertThat(days.isWorkingDay(d(school), BmaKind.EC)).as(school).isTrue();
        }
    }

    @Test
    void weekendsHolidaysAndTheFwbDayAreClosedForAll() {
        assertThat(days.closure(d("2024-11-09"), BmaKind.PO)).contains("week-end");
        assertThat(days.closure(d("2024-11-11"), BmaKind.EC)).contains("Armistice");
        assertThat(days.closure(d("2024-09-27"), BmaKind.PO)).contains("Fête de la Fédération Wallonie-Bruxelles");
        assertThat(days.closure(d("2025-04-21"), BmaKind.PO)).contains("Lundi de Pâques");
        assertThat(days.closure(d("2025-05-29"), BmaKind.PO)).contains("Ascension");
    }

    @Test
    void extraClosedDaysFromConfiguration() {
        WorkingDays withStrike = new WorkingDays(PlanningSettings.builder()
                .closedDay(NamedPeriod.of("Grève", "2024-11-13..2024-11-14")).build());
        assertThat(withStrike.closure(d("2024-11-13"), BmaKind.EC)).contains("Grève");
        assertThat(withStrike.closure(d("2024-11-14"), BmaKind.PO)).contains("Grève");
        assertThat(withStrike.isWorkingDay(d("2024-11-15"), BmaKind.EC)).isTrue();
    }

    @Test
    void leadTimeCountsTheKindsWorkingDays() {
        // Schools: the autumn break does not count; organising bodies: it does.
        assertThat(days.minusWorkingDays(d("2024-11-05"), 5, BmaKind.EC)).isEqualTo(d("2024-10-15"));
        assertThat(days.minusWorkingDays(d("2024-11-05"), 5, BmaKind.PO)).isEqualTo(d("2024-10-28"));
        // 1 Oct minus 2: 30 Sep, then 27 Sep is the FW-B day, so 26 Sep.
        assertThat(days.minusWorkingDays(d("2024-10-01"), 2, BmaKind.PO)).isEqualTo(d("2024-09-26"));
    }

    @Test
    void blackoutsByLevelAndNetwork() {
        Blackout secondary = Blackout.of("Attributions", "2024-11-12..2024-11-13", BmaKind.EC).forLevel("Secondaire");
        Blackout libre = Blackout.of("Réunion", "2024-11-20", BmaKind.EC).forNetwork("Libre confessionnel");
        WorkingDays w = new WorkingDays(PlanningSettings.builder().blackouts(List.of(secondary, libre)).build());
        assertThat(w.blackout(d("2024-11-12"), ec(1, "secondaire", "Libre confessionnel"))).contains(secondary);
        assertThat(w.blackout(d("2024-11-12"), ec(2, "Fondamental", "Libre confessionnel"))).isEmpty();
        assertThat(w.blackout(d("2024-11-20"), ec(2, "Fondamental", "Libre confessionnel"))).contains(libre);
        assertThat(w.blackout(d("2024-11-20"), ec(3, "Fondamental", "Subventionné communal"))).isEmpty();
        assertThat(w.blackout(d("2024-11-20"), Fixtures.po(3))).isEmpty();
    }
}
