package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static be.cfwb.bma.calendar.Fixtures.d;
import static be.cfwb.bma.calendar.Fixtures.ec;
import static be.cfwb.bma.calendar.Fixtures.ecs;
import static be.cfwb.bma.calendar.Fixtures.withConstraints;
import static org.assertj.core.api.Assertions.assertThat;

/** Re-planning against a previous plan, at the planner's level. */
class PlanStabilityTest {

    private static PlanningSettings oneWeek(int capacity) {
        return PlanningSettings.builder().window(BmaKind.EC, DateRange.parse("2024-11-09..2024-11-17"))
                .capacity(BmaKind.EC, capacity).build();
    }

    private static Map<BmaAddress, LocalDate> days(MigrationPlan plan) {
        Map<BmaAddress, LocalDate> m = new TreeMap<>();
        plan.mailboxes().forEach(p -> m.put(p.address(), p.migrationDate()));
        return m;
    }

    @Test
    void previousDaysAreKeptAndTheFreedSlotIsReusedByANewcomer() {
        Planner planner = new Planner(oneWeek(2));
        MigrationPlan first = planner.plan(ecs(1, 8));
        List<Mailbox> next = new ArrayList<>(ecs(1, 8).mailboxes());
        next.removeIf(m -> m.address().number().value() == 3);
        next.add(ec(50));
        MigrationPlan second = planner.plan(Inventory.of(next), Map.of(), days(first));
        LocalDate freed = first.find(ec(3).address()).orElseThrow().migrationDate();
        assertThat(second.find(ec(50).address()).orElseThrow().migrationDate()).isEqualTo(freed);
        for (Mailbox m : next) {
            if (m.address().number().value() != 50) {
                assertThat(second.find(m.address()).orElseThrow().migrationDate())
                        .isEqualTo(first.find(m.address()).orElseThrow().migrationDate());
            }
        }
        assertThat(second.changes()).extracting(PlanChange::toString).containsExactly(
                "ec000003@adm.cfwb.be: " + freed + " -> - (no longer in the inventory)",
                "ec000050@adm.cfwb.be: - -> " + freed + " (new mailbox)");
    }

    @Test
    void aPreviousDayNoLongerAllowedMovesWithTheReason() {
        Planner planner = new Planner(oneWeek(2));
        MigrationPlan first = planner.plan(ecs(1, 4));
        LocalDate day = first.find(ec(1).address()).orElseThrow().migrationDate();
        Planner stricter = new Planner(oneWeek(2).toBuilder().closedDay(NamedPeriod.of("Panne", day.toString())).build());
        MigrationPlan second = stricter.plan(ecs(1, 4), Map.of(), days(first));
        assertThat(second.find(ec(1).address()).orElseThrow().migrationDate()).isNotEqualTo(day);
        assertThat(second.changes()).extracting(PlanChange::reason).containsOnly(day + " is closed (Panne)");
    }

    @Test
    void whenThePreviousPlanLeavesNoRoomItIsRecomputedAndEveryMoveReported() {
        Planner planner = new Planner(oneWeek(1));
        MigrationPlan first = planner.plan(ecs(1, 3));
        assertThat(days(first).values()).containsExactly(d("2024-11-12"), d("2024-11-13"), d("2024-11-14"));
        Mailbox onlyTuesday = withConstraints(ec(99), null, List.of(d("2024-11-13"), d("2024-11-14"), d("2024-11-15")), "");
        List<Mailbox> next = new ArrayList<>(ecs(1, 3).mailboxes());
        next.add(onlyTuesday);
        MigrationPlan second = planner.plan(Inventory.of(next), Map.of(), days(first));
        assertThat(second.find(onlyTuesday.address()).orElseThrow().migrationDate()).isEqualTo(d("2024-11-12"));
        assertThat(second.loadByDay().values()).containsOnly(1);
        assertThat(second.changes()).filteredOn(c -> c.before().isPresent())
                .isNotEmpty()
                .allSatisfy(c -> assertThat(c.reason()).startsWith("re-planned afresh"));
    }

    @Test
    void anUnchangedInputReportsNoChange() {
        Planner planner = new Planner(oneWeek(3));
        MigrationPlan first = planner.plan(ecs(1, 10));
        MigrationPlan again = planner.plan(ecs(1, 10), Map.of(), days(first));
        assertThat(again.changes()).isEmpty();
        assertThat(days(again)).isEqualTo(days(first));
    }
}
