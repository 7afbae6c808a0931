package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

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
        assertThat(SETTINGS.blackouts()).as("no blackout by default: the circular's windows stay whole").isEmpty();
    }

    @Test
    void poMigratesOnTheNineteenWorkingDaysOfOneToTwentyFiveOctoberAndEcOnThoseOfFourToThirtyNovember() {
        // Circular n°9358: "du 1er au 25 octobre pour les BMA des PO", "du 4 au 30 novembre pour les BMA des établissements".
        List<LocalDate> po = workingDays("2024-10-01", "2024-10-25", Set.of());
        List<LocalDate> ec = workingDays("2024-11-04", "2024-11-30", Set.of(LocalDate.of(2024, 11, 11)));
        assertThat(po).hasSize(19).startsWith(LocalDate.of(2024, 10, 1)).endsWith(LocalDate.of(2024, 10, 25));
        assertThat(ec).hasSize(19).startsWith(LocalDate.of(2024, 11, 4)).endsWith(LocalDate.of(2024, 11, 29));
        assertThat(plan.loadByDay(BmaKind.PO).keySet()).containsExactlyElementsOf(po);
        assertThat(plan.loadByDay(BmaKind.EC).keySet()).containsExactlyElementsOf(ec);
        assertThat(plan.waves()).extracting(WaveSummary::availableDays, WaveSummary::daysUsed)
                .containsExactly(tuple(19, 19), tuple(19, 19));
    }

    @Test
    void noMailOneBeforeTheCircularAndTheShortenedLeadsAreTheFewestCapacityAllows() {
        LocalDate circular = LocalDate.of(2024, 9, 30);
        assertThat(plan.mailboxes()).allSatisfy(p -> assertThat(p.mailDate(1)).as(p.address().toString())
                .isAfterOrEqualTo(circular));
        // 1-4 Oct cannot get five working days of notice after 30 Sep (27 Sep is closed): one
        // mailbox each starts the wave, the 15 other days have room for every other one.
        List<PlannedMailbox> shortened = plan.shortenedLeads();
        assertThat(shortened).extracting(PlannedMailbox::migrationDate).containsExactlyInAnyOrder(
                LocalDate.of(2024, 10, 1), LocalDate.of(2024, 10, 2), LocalDate.of(2024, 10, 3), LocalDate.of(2024, 10, 4));
        assertThat(shortened).allSatisfy(p -> {
            assertThat(p.mailAt(1)).isEqualTo(circular.atTime(9, 0));
            assertThat(p.mail1LeadDays()).isLessThan(SETTINGS.leadDays());
        });
        assertThat(shortened).extracting(PlannedMailbox::mail1LeadDays).containsExactlyInAnyOrder(1, 2, 3, 4);
        assertThat(plan.mailboxes()).filteredOn(p -> !shortened.contains(p))
                .allSatisfy(p -> assertThat(p.mail1LeadDays()).isEqualTo(SETTINGS.leadDays()));
        // The console names each of them.
        String line = plan.summaryLines().stream().filter(l -> l.contains("shortened lead")).findFirst().orElseThrow();
        shortened.forEach(p -> assertThat(line).contains(p.address().toString()));
        assertThat(line).startsWith("4 mailbox(es)").contains("2024-09-30");
    }

    @Test
    void theAccessDateIsTheMigrationDayByDefault() {
        assertThat(plan.mailboxes()).allSatisfy(p -> assertThat(p.accessDate()).isEqualTo(p.migrationDate()));
    }

    private static List<LocalDate> workingDays(String from, String to, Set<LocalDate> holidays) {
        return LocalDate.parse(from).datesUntil(LocalDate.parse(to).plusDays(1))
                .filter(d -> d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY)
                .filter(d -> !holidays.contains(d)).toList();
    }

    @Test
    void noDayAboveCapacityAndLoadIsBalanced() {
        for (BmaKind kind : BmaKind.values()) {
            Map<LocalDate, Integer> load = plan.loadByDay(kind);
            int capacity = SETTINGS.wave(kind).capacityPerDay();
            int max = load.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
            int min = load.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
            assertThat(max).as(kind + " peak").isLessThanOrEqualTo(capacity);
            if (kind == BmaKind.PO) {
                // The four shortened-lead days hold one each; the others share the rest evenly.
                Map<LocalDate, Integer> full = new java.util.TreeMap<>(load);
                full.keySet().removeIf(d -> d.isBefore(LocalDate.of(2024, 10, 7)));
                max = full.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
                min = full.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
                assertThat(load).containsEntry(LocalDate.of(2024, 10, 1), 1).containsEntry(LocalDate.of(2024, 10, 4), 1);
            }
            assertThat(max - min).as(kind + " spread").isLessThanOrEqualTo(1);
        }
        // PO: 1,031 over the 15 days 7-25 Oct; EC: 3,029 over 19 days.
        assertThat(plan.waves()).extracting(WaveSummary::peakPerDay).containsExactly(69, 160);
    }

    @Test
    void mailOneLeavesTheLeadTimeBeforeAndMailsTwoToFourOnTheDay() {
        WorkingDays days = new WorkingDays(SETTINGS);
        plan.mailboxes().forEach(p -> {
            LocalDate d = p.migrationDate();
            LocalDate mail1 = p.mailDate(1);
            assertThat(mail1).isBefore(d);
            long working = mail1.datesUntil(d).filter(x -> days.isWorkingDay(x, p.kind())).count();
            assertThat(working).as(p.address().toString()).isEqualTo(p.mail1LeadDays());
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
