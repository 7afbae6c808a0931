package be.cfwb.bma.calendar;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static be.cfwb.bma.calendar.Fixtures.d;
import static be.cfwb.bma.calendar.Fixtures.ec;
import static be.cfwb.bma.calendar.Fixtures.ecs;
import static be.cfwb.bma.calendar.Fixtures.po;
import static be.cfwb.bma.calendar.Fixtures.withConstraints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlannerConstraintsTest {

    /** One week for EC: 12-15 Nov 2024 (11 Nov is Armistice), four working days. */
    private static PlanningSettings oneWeek(int capacity) {
        return PlanningSettings.builder().window(BmaKind.EC, DateRange.parse("2024-11-09..2024-11-17"))
                .capacity(BmaKind.EC, capacity).build();
    }

    @Test
    void exactlyCapacityTimesDaysFitsWithEveryDayFull() {
        MigrationPlan plan = new Planner(oneWeek(3)).plan(ecs(1, 12));
        assertThat(plan.loadByDay(BmaKind.EC)).containsExactly(Map.entry(d("2024-11-12"), 3),
                Map.entry(d("2024-11-13"), 3), Map.entry(d("2024-11-14"), 3), Map.entry(d("2024-11-15"), 3));
    }

    @Test
    void oneMoreThanCapacityIsInfeasibleWithTheNumbersPerWave() {
        assertThatThrownBy(() -> new Planner(oneWeek(3)).plan(ecs(1, 13)))
                .isInstanceOf(BmaException.class)
                .satisfies(e -> assertThat(((BmaException) e).code()).isEqualTo(BmaErrorCode.PLAN_INFEASIBLE))
                .hasMessageContaining("ec-2024-11 (EC 2024-11-09..2024-11-17): needed 13, available 12 (4 days x 3 a day), shortfall 1")
                .hasMessageContaining("po-2024-10 (PO 2024-10-01..2024-10-25): needed 0, available 1900 (19 days x 100 a day), shortfall 0");
    }

    @Test
    void capacityOfOneGivesOneMailboxADayInAddressOrder() {
        MigrationPlan plan = new Planner(oneWeek(1)).plan(ecs(10, 4));
        assertThat(plan.mailboxes()).extracting(PlannedMailbox::migrationDate)
                .containsExactly(d("2024-11-12"), d("2024-11-13"), d("2024-11-14"), d("2024-11-15"));
    }

    @Test
    void fewerMailboxesThanDaysUseOneDayEach() {
        MigrationPlan plan = new Planner(oneWeek(50)).plan(ecs(1, 2));
        assertThat(plan.waves().get(1).daysUsed()).isEqualTo(2);
        assertThat(plan.waves().get(1).peakPerDay()).isEqualTo(1);
        assertThat(plan.waves().get(0).mailboxes()).isZero();
    }

    @Test
    void emptyInventoryGivesAnEmptyPlan() {
        MigrationPlan plan = new Planner(PlanningSettings.defaults2024()).plan(Inventory.of(List.of()));
        assertThat(plan.mailboxes()).isEmpty();
        assertThat(plan.waves()).allSatisfy(w -> assertThat(w.meanPerDay()).isZero());
    }

    @Test
    void sendersHourlyLimitCapsTheDay() {
        // 60 mails an hour, 30 minutes between mails: 30 mailboxes a day at most, whatever the capacity.
        PlanningSettings s = oneWeek(100).toBuilder().mailsPerHour(60).build();
        assertThat(s.mailboxesPerDayBySenders()).isEqualTo(30);
        assertThat(new Planner(s).plan(ecs(1, 120)).loadByDay().values()).containsOnly(30);
        assertThatThrownBy(() -> new Planner(s).plan(ecs(1, 121))).hasMessageContaining("shortfall 1");
    }

    @Test
    void fixedDateIsHonouredAndCountsAgainstCapacity() {
        List<Mailbox> list = new ArrayList<>(ecs(1, 7).mailboxes());
        list.add(withConstraints(ec(100), d("2024-11-14"), List.of(), ""));
        MigrationPlan plan = new Planner(oneWeek(2)).plan(Inventory.of(list));
        assertThat(plan.find(ec(100).address()).orElseThrow().migrationDate()).isEqualTo(d("2024-11-14"));
        assertThat(plan.find(ec(100).address()).orElseThrow().constraints()).containsExactly("fixed 2024-11-14");
        assertThat(plan.loadByDay().values()).containsOnly(2);
    }

    @Test
    void anAnnouncedDateComesBeforeAFixedDateAndTheConflictIsNamed() {
        Mailbox fixed = withConstraints(ec(1), d("2024-11-13"), List.of(), "");
        Inventory inv = Inventory.of(List.of(fixed, ec(2)));
        assertThatThrownBy(() -> new Planner(oneWeek(1)).plan(inv, Map.of(ec(2).address(), d("2024-11-13")), Map.of()))
                .hasMessageContaining("ec000001@adm.cfwb.be must migrate on 2024-11-13 (fixed date) but that day is already full");
        MigrationPlan plan = new Planner(oneWeek(2)).plan(inv, Map.of(ec(2).address(), d("2024-11-13")), Map.of());
        assertThat(plan.find(ec(2).address()).orElseThrow().constraints()).containsExactly("announced");
        assertThat(plan.loadByDay()).containsExactly(Map.entry(d("2024-11-13"), 2));
    }

    @Test
    void anAnnouncedDateIsKeptEvenOnADayNowClosed() {
        MigrationPlan plan = new Planner(oneWeek(2)).plan(ecs(1, 1), Map.of(ec(1).address(), d("2024-11-11")), Map.of());
        assertThat(plan.mailboxes().get(0).migrationDate()).isEqualTo(d("2024-11-11"));
        assertThat(plan.mailboxes().get(0).isAnnounced()).isTrue();
        assertThat(plan.mailboxes().get(0).constraints()).containsExactly("announced", "announced day now closed (Armistice)");
    }

    @Test
    void fixedDateOnAClosedDayIsRefused() {
        Inventory inv = Inventory.of(List.of(withConstraints(ec(5), d("2024-11-11"), List.of(), "")));
        assertThatThrownBy(() -> new Planner(PlanningSettings.defaults2024()).plan(inv))
                .isInstanceOf(BmaException.class)
                .hasMessageContaining("ec000005@adm.cfwb.be has fixed date 2024-11-11, which is closed (Armistice)");
    }

    @Test
    void forbiddenDatesAreAvoided() {
        Mailbox picky = withConstraints(ec(1), null, List.of(d("2024-11-12"), d("2024-11-13"), d("2024-11-14")), "");
        MigrationPlan plan = new Planner(oneWeek(5)).plan(Inventory.of(List.of(picky, ec(2), ec(3))));
        assertThat(plan.find(picky.address()).orElseThrow().migrationDate()).isEqualTo(d("2024-11-15"));
        assertThat(plan.find(picky.address()).orElseThrow().constraints())
                .containsExactly("forbidden 2024-11-12 2024-11-13 2024-11-14");
    }

    @Test
    void mostConstrainedMailboxesArePlacedFirst() {
        // Capacity 1: the mailbox allowed only on the 15th must get it even though it sorts last.
        Mailbox onlyFriday = withConstraints(ec(99), null, List.of(d("2024-11-12"), d("2024-11-13"), d("2024-11-14")), "");
        List<Mailbox> list = new ArrayList<>(ecs(1, 3).mailboxes());
        list.add(onlyFriday);
        MigrationPlan plan = new Planner(oneWeek(1)).plan(Inventory.of(list));
        assertThat(plan.find(onlyFriday.address()).orElseThrow().migrationDate()).isEqualTo(d("2024-11-15"));
    }

    @Test
    void aMailboxWithNoAllowedDayIsNamed() {
        Mailbox never = withConstraints(ec(7), null,
                List.of(d("2024-11-12"), d("2024-11-13"), d("2024-11-14"), d("2024-11-15")), "");
        assertThatThrownBy(() -> new Planner(oneWeek(5)).plan(Inventory.of(List.of(never))))
                .hasMessageContaining("ec000007@adm.cfwb.be has no allowed day in its wave")
                .hasMessageContaining("No plan was written");
    }

    @Test
    void sameDayGroupsMigrateTogetherOnADayAllowedToAll() {
        Mailbox a = withConstraints(ec(1), null, List.of(d("2024-11-12")), "PO 42");
        Mailbox b = withConstraints(ec(2), null, List.of(d("2024-11-13")), "PO 42");
        Mailbox c = withConstraints(ec(3), null, List.of(), "PO 42");
        MigrationPlan plan = new Planner(oneWeek(5)).plan(Inventory.of(List.of(a, b, c, ec(4), ec(5))));
        LocalDate day = plan.find(a.address()).orElseThrow().migrationDate();
        assertThat(day).isIn(d("2024-11-14"), d("2024-11-15"));
        assertThat(plan.find(b.address()).orElseThrow().migrationDate()).isEqualTo(day);
        assertThat(plan.find(c.address()).orElseThrow().migrationDate()).isEqualTo(day);
        assertThat(plan.find(c.address()).orElseThrow().constraints()).containsExactly("same day as group PO 42 (3 mailboxes)");
    }

    @Test
    void aGroupLargerThanADaysCapacityIsInfeasible() {
        List<Mailbox> group = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            group.add(withConstraints(ec(i), null, List.of(), "big"));
        }
        assertThatThrownBy(() -> new Planner(oneWeek(3)).plan(Inventory.of(group)))
                .hasMessageContaining("same-day group 'big' (4 mailboxes) finds every allowed day full");
    }

    @Test
    void groupWithConflictingFixedDatesIsRefused() {
        Mailbox a = withConstraints(ec(1), d("2024-11-12"), List.of(), "g");
        Mailbox b = withConstraints(ec(2), d("2024-11-13"), List.of(), "g");
        assertThatThrownBy(() -> new Planner(oneWeek(3)).plan(Inventory.of(List.of(a, b))))
                .hasMessageContaining("different fixed dates [2024-11-12, 2024-11-13]");
    }

    @Test
    void blackoutsPerLevelAndNetworkKeepOnlyTheirMailboxesAway() {
        PlanningSettings s = oneWeek(10).toBuilder()
                .blackout(Blackout.of("Attributions", "2024-11-12..2024-11-14", BmaKind.EC).forLevel("Secondaire"))
                .blackout(Blackout.of("DAccE", "2024-11-15", BmaKind.EC).forNetwork("Subventionné communal"))
                .build();
        Mailbox secondary = ec(1, "Secondaire", "Libre confessionnel");
        Mailbox communal = ec(2, "Fondamental", "Subventionné communal");
        MigrationPlan plan = new Planner(s).plan(Inventory.of(List.of(secondary, communal, ec(3, "Fondamental", "Libre"))));
        assertThat(plan.find(secondary.address()).orElseThrow().migrationDate()).isEqualTo(d("2024-11-15"));
        assertThat(plan.find(secondary.address()).orElseThrow().constraints())
                .containsExactly("blackout Attributions 2024-11-12..2024-11-14");
        assertThat(plan.find(communal.address()).orElseThrow().migrationDate()).isNotEqualTo(d("2024-11-15"));
    }

    @Test
    void kindWideBlackoutRemovesTheDayFromTheWave() {
        PlanningSettings s = oneWeek(10).toBuilder().blackout(Blackout.of("Comptage", "2024-11-13", BmaKind.EC)).build();
        Planner planner = new Planner(s);
        assertThat(planner.waveDays(BmaKind.EC)).containsExactly(d("2024-11-12"), d("2024-11-14"), d("2024-11-15"));
        assertThat(planner.plan(ecs(1, 30)).loadByDay()).doesNotContainKey(d("2024-11-13"));
    }

    @Test
    void organisingBodiesMayUseTheAutumnBreakSchoolsMayNot() {
        PlanningSettings s = PlanningSettings.builder()
                .window(BmaKind.PO, DateRange.parse("2024-10-21..2024-10-25"))
                .window(BmaKind.EC, DateRange.parse("2024-10-21..2024-11-08")).build();
        Planner planner = new Planner(s);
        assertThat(planner.waveDays(BmaKind.PO)).hasSize(5);
        assertThat(planner.waveDays(BmaKind.EC)).containsExactly(d("2024-11-04"), d("2024-11-05"), d("2024-11-06"),
                d("2024-11-07"), d("2024-11-08"));
        PlanningSettings allowed = s.toBuilder().schoolHolidaysAllowed(BmaKind.EC, true).build();
        assertThat(new Planner(allowed).waveDays(BmaKind.EC)).contains(d("2024-10-21")).doesNotContain(d("2024-11-01"));
    }

    @Test
    void announceFromShortensTheLeadOfTheEarlyDaysAndFillsThemOnlyAsFarAsNeeded() {
        // Mail 1 five working days ahead (11 Nov is Armistice): 12 Nov needs it on 4 Nov, 13 Nov on 5 Nov, 14 Nov on 6 Nov.
        PlanningSettings s = oneWeek(10).toBuilder().announceFrom(d("2024-11-06")).build();
        Planner planner = new Planner(s);
        assertThat(planner.waveDays(BmaKind.EC)).containsExactly(d("2024-11-12"), d("2024-11-13"), d("2024-11-14"),
                d("2024-11-15"));
        assertThat(planner.leadShortened(d("2024-11-13"), BmaKind.EC)).isTrue();
        assertThat(planner.leadShortened(d("2024-11-14"), BmaKind.EC)).isFalse();

        // Ten mailboxes: one starts each shortened day, the other eight share the two full-lead days.
        MigrationPlan ten = planner.plan(ecs(1, 10));
        assertThat(ten.loadByDay()).containsExactly(Map.entry(d("2024-11-12"), 1), Map.entry(d("2024-11-13"), 1),
                Map.entry(d("2024-11-14"), 4), Map.entry(d("2024-11-15"), 4));
        assertThat(ten.shortenedLeads()).extracting(PlannedMailbox::mail1LeadDays).containsExactly(3, 4);
        assertThat(ten.shortenedLeads()).allSatisfy(p -> assertThat(p.mailAt(1)).isEqualTo(d("2024-11-06").atTime(9, 0)));
        // Twenty-two: the full-lead days are full (10 a day), so two more go to the shortened days, the latest first.
        MigrationPlan full = planner.plan(ecs(1, 22));
        assertThat(full.loadByDay()).containsExactly(Map.entry(d("2024-11-12"), 1), Map.entry(d("2024-11-13"), 1),
                Map.entry(d("2024-11-14"), 10), Map.entry(d("2024-11-15"), 10));
        assertThat(planner.plan(ecs(1, 24)).shortenedLeads()).hasSize(4);
        // Three: too few to start every day, so none gets a shortened lead.
        assertThat(planner.plan(ecs(1, 3)).shortenedLeads()).isEmpty();
        // A day with no working day for mail 1 before it is not offered at all.
        assertThat(new Planner(s.toBuilder().announceFrom(d("2024-11-12")).build()).waveDays(BmaKind.EC))
                .containsExactly(d("2024-11-13"), d("2024-11-14"), d("2024-11-15"));
    }

    @Test
    void mailTimesFollowTheSettings() {
        PlanningSettings s = oneWeek(10).toBuilder().leadDays(3).mailTime(1, LocalTime.of(14, 0))
                .mailTime(2, LocalTime.of(6, 0)).mailTime(3, LocalTime.of(7, 0)).mailTime(4, LocalTime.of(17, 30)).build();
        PlannedMailbox p = new Planner(s).plan(ecs(1, 1)).mailboxes().get(0);
        assertThat(p.migrationDate()).isEqualTo(d("2024-11-12"));
        // 3 working days before 12 Nov: 11 Nov is Armistice, so 8, 7, 6 Nov.
        assertThat(p.mailAt(1)).isEqualTo(d("2024-11-06").atTime(14, 0));
        assertThat(p.mailAt(2)).isEqualTo(d("2024-11-12").atTime(6, 0));
        assertThat(p.mailAt(3)).isEqualTo(d("2024-11-12").atTime(7, 0));
        assertThat(p.mailAt(4)).isEqualTo(d("2024-11-12").atTime(17, 30));
        assertThat(p.mailAtZoned(2).getOffset().getTotalSeconds()).isEqualTo(3600);
        assertThatThrownBy(() -> p.mailAt(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mixedKindsAreEachPlannedInTheirOwnWave() {
        MigrationPlan plan = new Planner(PlanningSettings.defaults2024()).plan(Inventory.of(List.of(ec(1), po(1))));
        assertThat(plan.find(po(1).address()).orElseThrow().wave()).isEqualTo("po-2024-10");
        // One PO is too few to start every day of its wave: it takes the first day with the full lead after 30 Sep.
        assertThat(plan.find(po(1).address()).orElseThrow().migrationDate()).isEqualTo(d("2024-10-07"));
        assertThat(plan.find(ec(1).address()).orElseThrow().migrationDate()).isEqualTo(d("2024-11-04"));
    }
}
