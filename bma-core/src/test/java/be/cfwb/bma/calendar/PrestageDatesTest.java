package be.cfwb.bma.calendar;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.config.BmaSettingsReader;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static be.cfwb.bma.calendar.Fixtures.d;
import static be.cfwb.bma.calendar.Fixtures.ec;
import static be.cfwb.bma.calendar.Fixtures.ecs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pre-stage dates: working days before the migration day, around the Armistice (Monday 11 November
 * 2024), sized from the day's volume unless fixed, in plan.csv (last column), plan.json and
 * plan.html, and plans written before the column still read.
 */
class PrestageDatesTest {

    /** One mailbox a day on 12, 13 and 14 November 2024 (11 November is the Armistice). */
    private static PlanningSettings.Builder oneADay() {
        return PlanningSettings.builder().window(BmaKind.EC, DateRange.parse("2024-11-09..2024-11-17"))
                .capacity(BmaKind.EC, 1);
    }

    @TempDir
    Path tmp;

    private static Map<BmaAddress, LocalDate> prestage(MigrationPlan plan) {
        Map<BmaAddress, LocalDate> m = new TreeMap<>();
        plan.mailboxes().forEach(p -> m.put(p.address(), p.prestageDate()));
        return m;
    }

    private static LocalDate prestageOf(MigrationPlan plan, LocalDate migrationDay) {
        return plan.migratingOn(migrationDay).get(0).prestageDate();
    }

    @Test
    void byDefaultTheWorkingDayBeforeSkippingTheWeekendAndTheHolidayInTheLastColumnOfEveryFile() throws IOException {
        MigrationPlan plan = new Planner(oneADay().build()).plan(ecs(1, 3));
        assertThat(plan.loadByDay().keySet()).containsExactly(d("2024-11-12"), d("2024-11-13"), d("2024-11-14"));
        // Three unmeasured mailboxes (80 MB each, the old quota) fit in one day: one working day ahead.
        assertThat(prestageOf(plan, d("2024-11-12"))).isEqualTo(d("2024-11-08"));
        assertThat(prestageOf(plan, d("2024-11-13"))).isEqualTo(d("2024-11-12"));
        assertThat(prestageOf(plan, d("2024-11-14"))).isEqualTo(d("2024-11-13"));

        Path out = tmp.resolve("out");
        PlanFiles.write(plan, out);
        List<String> csv = Files.readAllLines(out.resolve(PlanFiles.CSV));
        assertThat(csv.get(0)).endsWith(",mail1_lead_days,prestage_date");
        for (String line : csv.subList(1, csv.size())) {
            String[] cells = line.split(",");
            LocalDate migration = LocalDate.parse(cells[6]);
            assertThat(LocalDate.parse(cells[cells.length - 1])).as(line).isEqualTo(prestageOf(plan, migration));
        }
        var json = new ObjectMapper().readTree(out.resolve(PlanFiles.JSON).toFile());
        assertThat(json.path("settings").path("prestage_days").asText()).isEqualTo("auto");
        assertThat(json.path("settings").path("parallelism").asInt()).isEqualTo(4);
        assertThat(json.path("mailboxes")).allSatisfy(row -> assertThat(LocalDate.parse(row.path("prestage_date").asText()))
                .isEqualTo(prestageOf(plan, LocalDate.parse(row.path("migration_date").asText()))));
        assertThat(Files.readString(out.resolve(PlanFiles.HTML))).contains("copie préalable le 8 novembre 2024")
                .contains("Copie préalable : selon le volume du jour (4 boîtes à la fois");
        // Read back as published, the dates are those written.
        assertThat(prestage(PlanFiles.read(out, ecs(1, 3)).orElseThrow())).isEqualTo(prestage(plan));
    }

    @Test
    void aFixedLeadCountsWorkingDaysOnly() {
        MigrationPlan plan = new Planner(oneADay().prestage(PrestageSettings.defaults().withDays(3)).build()).plan(ecs(1, 3));
        assertThat(prestageOf(plan, d("2024-11-12"))).isEqualTo(d("2024-11-06"));
        assertThat(prestageOf(plan, d("2024-11-14"))).isEqualTo(d("2024-11-08"));
        MigrationPlan sameDay = new Planner(oneADay().prestage(PrestageSettings.defaults().withDays(0)).build()).plan(ecs(1, 3));
        assertThat(sameDay.mailboxes()).allSatisfy(p -> assertThat(p.prestageDate()).isEqualTo(p.migrationDate()));
    }

    @Test
    void theLeadIsSizedFromTheDaysBytesTheMailboxBudgetAndTheParallelism() {
        // 30 GB on each day. One mailbox at a time copies 1,800 MB an hour, 14,400 MB in a working
        // day of 8 hours: 30,720 MB need 3 working days. Four at a time need one.
        Map<BmaAddress, Long> sizes = new TreeMap<>();
        ecs(1, 3).mailboxes().forEach(m -> sizes.put(m.address(), 30L * 1024 * 1024 * 1024));
        PlanningSettings.Builder big = oneADay().mailboxSizes(MailboxSizes.of(sizes));
        MigrationPlan alone = new Planner(big.prestage(new PrestageSettings(Optional.empty(), 1)).build()).plan(ecs(1, 3));
        assertThat(prestageOf(alone, d("2024-11-12"))).isEqualTo(d("2024-11-06"));
        assertThat(prestageOf(alone, d("2024-11-14"))).isEqualTo(d("2024-11-08"));
        MigrationPlan four = new Planner(big.prestage(new PrestageSettings(Optional.empty(), 4)).build()).plan(ecs(1, 3));
        assertThat(prestageOf(four, d("2024-11-12"))).isEqualTo(d("2024-11-08"));
        assertThat(new PrestageSettings(Optional.empty(), 1).daysAhead(14_400L * 1024 * 1024)).isEqualTo(1);
        assertThat(new PrestageSettings(Optional.empty(), 1).daysAhead(14_400L * 1024 * 1024 + 1)).isEqualTo(2);
        assertThat(new PrestageSettings(Optional.empty(), 1).daysAhead(0)).isEqualTo(1);
    }

    @Test
    void aBlackoutIsNoWorkingDayForThePrestage() {
        MigrationPlan plan = new Planner(oneADay().blackout(Blackout.of("Conseil de classe", "2024-11-08", BmaKind.EC))
                .build()).plan(ecs(1, 3));
        assertThat(prestageOf(plan, d("2024-11-12"))).isEqualTo(d("2024-11-07"));
    }

    @Test
    void theKeysAreReadAndABadOneIsRefusedNamingIt() {
        PrestageSettings read = PrestageSettings.defaults().read(BmaSettingsReader.of(Map.of("bma.prestageDays", "2",
                "bma.parallelism", "8")));
        assertThat(read).isEqualTo(new PrestageSettings(Optional.of(2), 8));
        assertThat(read.read(BmaSettingsReader.of(Map.of("bma.prestageDays", "auto"))).days()).isEmpty();
        assertThatThrownBy(() -> PrestageSettings.defaults().read(BmaSettingsReader.of(Map.of("bma.prestageDays", "-1"))))
                .isInstanceOfSatisfying(BmaException.class, e -> assertThat(e.code()).isEqualTo(BmaErrorCode.INVALID_CONFIGURATION))
                .hasMessageContaining("bma.prestageDays");
        assertThatThrownBy(() -> PrestageSettings.defaults().read(BmaSettingsReader.of(Map.of("bma.prestageDays", "soon"))))
                .hasMessageContaining("bma.prestageDays 'soon' is not a whole number");
    }

    @Test
    void aPlanWrittenBeforeTheColumnReadsAndReplanningReportsNoChangeForIt() throws IOException {
        Inventory inventory = ecs(1, 3);
        Planner planner = new Planner(oneADay().build());
        Path out = tmp.resolve("old");
        PlanFiles.write(planner.plan(inventory), out);
        // As plans were written before pre-stage dates: no column, no setting.
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode json = (ObjectNode) mapper.readTree(out.resolve(PlanFiles.JSON).toFile());
        ((ObjectNode) json.path("settings")).remove(List.of("prestage_days", "parallelism"));
        json.path("mailboxes").forEach(row -> ((ObjectNode) row).remove("prestage_date"));
        Files.writeString(out.resolve(PlanFiles.JSON), mapper.writeValueAsString(json));
        assertThat(Files.readString(out.resolve(PlanFiles.JSON))).doesNotContain("prestage");

        MigrationPlan old = PlanFiles.read(out, inventory).orElseThrow();
        // Those plans pre-staged on the migration day, and so they still read.
        assertThat(old.mailboxes()).hasSize(3).allSatisfy(p -> assertThat(p.prestageDate()).isEqualTo(p.migrationDate()));

        MigrationPlan again = new Planner(oneADay().prestage(PrestageSettings.defaults().withDays(2)).build())
                .plan(inventory, Map.of(), PlanFiles.previousDates(out));
        assertThat(again.changes()).isEmpty();
        assertThat(prestageOf(again, d("2024-11-12"))).isEqualTo(d("2024-11-07"));
    }

    @Test
    void aMailboxIsDueAheadFromItsPrestageDateUntilTheDayBeforeItsMigration() {
        PlannedMailbox p = new Planner(oneADay().build()).plan(Inventory.of(List.of(ec(1)))).mailboxes().get(0);
        assertThat(p.migrationDate()).isEqualTo(d("2024-11-12"));
        assertThat(p.prestageDueAhead(d("2024-11-07"))).isFalse();
        assertThat(p.prestageDueAhead(d("2024-11-08"))).isTrue();
        assertThat(p.prestageDueAhead(d("2024-11-11"))).isTrue();
        assertThat(p.prestageDueAhead(d("2024-11-12"))).isFalse();
    }

    @Test
    void aMailboxHasWorkOnItsPrestageDateEvenBeforeItsMailOne() {
        LocalDateTime seven = LocalDateTime.of(2024, 11, 5, 7, 0);
        PlannedMailbox p = new PlannedMailbox(ec(1), "W1", d("2024-11-12"),
                List.of(seven, seven.plusDays(4), seven.plusDays(5), seven.plusDays(6)), List.of(), d("2024-11-12"), 5,
                d("2024-11-01"));
        assertThat(p.hasWorkOn(d("2024-10-31"))).isFalse();
        assertThat(p.hasWorkOn(d("2024-11-01"))).as("the bulk copy ahead, before mail 1").isTrue();
        assertThat(p.hasWorkOn(d("2024-11-04"))).isTrue();
        assertThat(p.hasWorkOn(d("2024-11-05"))).as("mail 1").isTrue();
        assertThat(p.hasWorkOn(d("2024-11-12"))).as("the migration day").isTrue();
    }
}
