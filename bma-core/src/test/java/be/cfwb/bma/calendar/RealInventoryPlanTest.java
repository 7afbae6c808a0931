package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The bundled open-data inventory planned with the 2024 defaults: every property of "done when". */
class RealInventoryPlanTest {

    private static final PlanningSettings SETTINGS = PlanningSettings.defaults2024();
    private static MigrationPlan plan;

    @BeforeAll
    static void planIt() {
        plan = new Planner(SETTINGS).plan(Inventory.bundledOpenData());
    }

    @Test
    void everyMailboxIsPlannedOnce() {
        assertThat(plan.size()).isEqualTo(4064);
        assertThat(plan.mailboxes().stream().filter(p -> p.kind() == BmaKind.EC)).hasSize(3029);
        assertThat(plan.mailboxes().stream().filter(p -> p.kind() == BmaKind.PO)).hasSize(1035);
    }

    @Test
    void poInOctoberWindowAndEcInNovemberWindow() {
        plan.mailboxes().forEach(p -> {
            if (p.kind() == BmaKind.PO) {
                assertThat(p.migrationDate()).as(p.address().toString())
                        .isBetween(LocalDate.of(2024, 10, 1), LocalDate.of(2024, 10, 25));
            } else {
                assertThat(p.migrationDate()).as(p.address().toString())
                        .isBetween(LocalDate.of(2024, 11, 4), LocalDate.of(2024, 11, 30));
            }
        });
    }

    @Test
    void noWeekendNoHolidayNoBlackoutNoSchoolHolidayForSchools() {
        plan.mailboxes().forEach(p -> {
            LocalDate d = p.migrationDate();
            assertThat(d.getDayOfWeek()).as(p.address() + " on " + d).isNotIn(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
            assertThat(d).as(p.address().toString()).isNotEqualTo(LocalDate.of(2024, 11, 1)).isNotEqualTo(LocalDate.of(2024, 11, 11));
            for (Blackout b : SETTINGS.blackouts()) {
                if (b.concerns(p.mailbox())) {
                    assertThat(b.range().contains(d)).as(p.address() + " on " + d + " in " + b).isFalse();
                }
            }
            if (p.kind() == BmaKind.EC) {
                // Autumn break 21 Oct - 1 Nov 2024: schools are closed.
                assertThat(d).isAfter(LocalDate.of(2024, 11, 1));
            }
        });
        assertThat(plan.loadByDay()).doesNotContainKeys(LocalDate.of(2024, 10, 1), LocalDate.of(2024, 11, 4));
    }

    @Test
    void noDayAboveCapacityAndLoadIsBalanced() {
        for (BmaKind kind : BmaKind.values()) {
            Map<LocalDate, Integer> load = plan.loadByDay(kind);
            int capacity = SETTINGS.wave(kind).capacityPerDay();
            int max = load.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
            int min = load.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
            assertThat(max).as(kind + " peak").isLessThanOrEqualTo(capacity);
            assertThat(max - min).as(kind + " spread").isLessThanOrEqualTo(1);
        }
        // PO: 19 weekdays 1-25 Oct minus the 1 Oct count; EC: 19 working days minus 4 Nov.
        assertThat(plan.loadByDay(BmaKind.PO)).hasSize(18);
        assertThat(plan.loadByDay(BmaKind.EC)).hasSize(18);
        assertThat(plan.waves()).extracting(WaveSummary::peakPerDay).containsExactly(58, 169);
    }

    @Test
    void mailOneLeavesTheLeadTimeBeforeAndMailsTwoToFourOnTheDay() {
        WorkingDays days = new WorkingDays(SETTINGS);
        plan.mailboxes().forEach(p -> {
            LocalDate d = p.migrationDate();
            LocalDate mail1 = p.mailDate(1);
            assertThat(mail1).isBefore(d);
            long working = mail1.datesUntil(d).filter(x -> days.isWorkingDay(x, p.kind())).count();
            assertThat(working).as(p.address().toString()).isEqualTo(SETTINGS.leadDays());
            assertThat(p.mailAt(1).toLocalTime()).isEqualTo(SETTINGS.mailTime(1));
            for (int n = 2; n <= 4; n++) {
                assertThat(p.mailDate(n)).isEqualTo(d);
                assertThat(p.mailAt(n)).isAfter(p.mailAt(n - 1).toLocalDate().equals(d) ? p.mailAt(n - 1) : d.atStartOfDay());
            }
        });
        // Schools do not get mail 1 during the autumn break: 5 Nov minus 5 school days is 15 Oct.
        assertThat(plan.migratingOn(LocalDate.of(2024, 11, 5)).get(0).mailAt(1))
                .isEqualTo(LocalDate.of(2024, 10, 15).atTime(9, 0));
        assertThat(plan.mailboxes()).allSatisfy(p -> assertThat(p.mailDate(1).getMonth())
                .isIn(Month.SEPTEMBER, Month.OCTOBER, Month.NOVEMBER));
    }
}
