package be.cfwb.bma.calendar;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.EventTypes;
import be.cfwb.bma.PlanResult;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static be.cfwb.bma.calendar.Fixtures.d;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Bma#plan} end to end on the real inventory: files, determinism, stability, the ledger. */
class PlanRunTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-09-02T08:00:00Z"), ZoneOffset.UTC);
    private static Inventory real;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        real = Inventory.bundledOpenData();
    }

    private PlanResult plan(Inventory inventory, Path out) {
        return plan(inventory, out, PlanningSettings.defaults2024());
    }

    private PlanResult plan(Inventory inventory, Path out, PlanningSettings settings) {
        return Bma.configure().inventory(inventory).ledgerDirectory(tmp.resolve("ledger")).outputDirectory(out)
                .clock(CLOCK).planning(settings).load().plan(MailboxSelection.all());
    }

    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static List<String> csv(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve(PlanFiles.CSV));
    }

    @Test
    void writesTheFourFilesWithTheContractColumns() throws IOException {
        Path out = tmp.resolve("out");
        PlanResult result = plan(real, out);
        assertThat(result.files()).extracting(p -> p.getFileName().toString())
                .containsExactly("plan.csv", "plan.json", "plan.ics", "plan.html");
        List<String> lines = csv(out);
        assertThat(lines.get(0)).startsWith("address,kind,fase,name,po,wave,migration_date,mail1_at,mail2_at,mail3_at,mail4_at");
        assertThat(lines).hasSize(4065);
        assertThat(lines).anyMatch(l -> l.matches("ec000006@adm\\.cfwb\\.be,EC,6,.*,po001136@adm\\.cfwb\\.be,ec-2024-11,"
                + "2024-11-\\d\\d,2024-1\\d-\\d\\dT09:00,2024-11-\\d\\dT07:00,2024-11-\\d\\dT07:30,2024-11-\\d\\dT08:00,"
                + ",2024-11-\\d\\d,5,2024-1\\d-\\d\\d"));
        assertThat(lines.get(0)).endsWith(",constraints,access_date,mail1_lead_days,prestage_date");
        assertThat(result.summaryLines().get(0)).isEqualTo(
                "po-2024-10 (PO 2024-10-01..2024-10-25): 1035 mailboxes on 19 of 19 available days, peak 69/day, mean 54.5/day, capacity 100/day");
        assertThat(result.summaryLines().get(1)).startsWith("ec-2024-11 (EC 2024-11-04..2024-11-30): 3029 mailboxes on 19 of 19");
        String json = Files.readString(out.resolve(PlanFiles.JSON));
        assertThat(json).startsWith("{\n  \"format\" : \"bma-plan/1\"").doesNotContain("\r");
        assertThat(PlanFiles.previousDates(out)).hasSize(4064)
                .containsEntry(BmaAddress.parse("ec000006@adm.cfwb.be"), result.plan().find(BmaAddress.parse("ec000006@adm.cfwb.be")).orElseThrow().migrationDate());
    }

    @Test
    void thePublishedPlanReadsBackAsWritten() {
        Path out = tmp.resolve("out");
        assertThat(PlanFiles.read(out, real)).isEmpty();
        PlanningSettings custom = PlanningSettings.builder().leadDays(7).mailTime(4, java.time.LocalTime.of(9, 45))
                .closedDay(NamedPeriod.of("Maintenance = serveur", "2024-11-25"))
                .blackout(Blackout.parse("ec+po/level=Secondaire/network=Libre confessionnel@2024-11-19..2024-11-20=Attributions; DAccE"))
                .announceFrom(d("2024-09-02")).volumePerDay(BmaKind.EC, 5000)
                .keepTogether(BmaAddress.parse("po001136@adm.cfwb.be")).build();
        MigrationPlan written = plan(real, out, custom).plan();
        List<PlannedMailbox> anderlecht = written.mailboxes().stream().filter(p -> p.mailbox().organisingBody()
                .equals(java.util.Optional.of(BmaAddress.parse("po001136@adm.cfwb.be")))).toList();
        assertThat(anderlecht).hasSizeGreaterThan(10);
        assertThat(anderlecht).extracting(PlannedMailbox::migrationDate).containsOnly(anderlecht.get(0).migrationDate());
        assertThat(anderlecht.get(0).constraints()).containsExactly(
                "same day as group establishments of po001136@adm.cfwb.be (" + anderlecht.size() + " mailboxes)");
        MigrationPlan read = PlanFiles.read(out, real).orElseThrow();
        assertThat(read.settings()).isEqualTo(custom);
        assertThat(read.mailboxes()).isEqualTo(written.mailboxes());
        assertThat(read.waves()).isEqualTo(written.waves());
        // A mailbox gone from the inventory still reads back, from the file.
        Inventory without = Inventory.of(real.mailboxes().subList(1, real.size()));
        PlannedMailbox first = PlanFiles.read(out, without).orElseThrow().mailboxes().get(0);
        assertThat(first.address()).isEqualTo(written.mailboxes().get(0).address());
        assertThat(first.mailbox().name()).isEqualTo(written.mailboxes().get(0).mailbox().name());
        assertThat(first.mailAt(3)).isEqualTo(written.mailboxes().get(0).mailAt(3));
    }

    @Test
    void twoRunsGiveByteIdenticalFiles() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        plan(real, a);
        Map<String, byte[]> first = files(a);
        plan(real, b);
        plan(real, a);
        Map<String, byte[]> other = files(b);
        Map<String, byte[]> again = files(a);
        assertThat(other).containsOnlyKeys(first.keySet());
        assertThat(again).containsOnlyKeys(first.keySet());
        for (String name : first.keySet()) {
            assertThat(other.get(name)).as(name).isEqualTo(first.get(name));
            assertThat(again.get(name)).as(name + " re-planned over itself").isEqualTo(first.get(name));
        }
    }

    @Test
    void removingOneMailboxChangesOnlyItsRow() throws IOException {
        Path out = tmp.resolve("out");
        plan(real, out);
        List<String> before = csv(out);
        BmaAddress removed = BmaAddress.parse("ec001394@adm.cfwb.be");
        List<Mailbox> fewer = new ArrayList<>(real.mailboxes());
        fewer.removeIf(m -> m.address().equals(removed));
        PlanResult result = plan(Inventory.of(fewer), out);
        List<String> after = csv(out);
        List<String> expected = new ArrayList<>(before);
        expected.removeIf(l -> l.startsWith(removed + ","));
        assertThat(before).hasSize(after.size() + 1);
        assertThat(after).isEqualTo(expected);
        assertThat(result.changes()).singleElement().satisfies(c -> {
            assertThat(c.address()).isEqualTo(removed);
            assertThat(c.after()).isEmpty();
            assertThat(c.reason()).isEqualTo("no longer in the inventory");
        });
        assertThat(out.resolve(PlanFiles.CHANGES)).content().contains(removed + ",2024-11-");
        try (Ledger ledger = Ledger.open(tmp.resolve("ledger"), CLOCK)) {
            List<be.cfwb.bma.ledger.LedgerEvent> published = ledger.events(e -> e.type().equals(EventTypes.PLAN_PUBLISHED));
            assertThat(published).hasSize(2);
            assertThat(published.get(1).data()).containsEntry("mailboxes", "4063").containsEntry("changes", "1")
                    .containsEntry("plan_csv_sha256", PlanFiles.sha256(out.resolve(PlanFiles.CSV)));
            assertThat(published.get(1).mailbox()).isEmpty();
        }

        // Planning the same again: nothing moved, the changes file goes.
        assertThat(plan(Inventory.of(fewer), out).changes()).isEmpty();
        assertThat(out.resolve(PlanFiles.CHANGES)).doesNotExist();
    }

    @Test
    void thePreviousPlanSurvivesACleanOfTheOutputDirectory() throws IOException {
        Path out = tmp.resolve("out");
        plan(real, out);
        List<String> before = csv(out);
        assertThat(tmp.resolve("ledger").resolve(PlanFiles.PUBLISHED)).hasSameBinaryContentAs(out.resolve(PlanFiles.JSON));
        try (var files = Files.list(out)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(out);
        BmaAddress removed = BmaAddress.parse("ec000006@adm.cfwb.be");
        List<Mailbox> fewer = new ArrayList<>(real.mailboxes());
        fewer.removeIf(m -> m.address().equals(removed));
        plan(Inventory.of(fewer), out);
        List<String> expected = new ArrayList<>(before);
        expected.removeIf(l -> l.startsWith(removed + ","));
        assertThat(csv(out)).isEqualTo(expected);
    }

    @Test
    void addingOneMailboxAddsOnlyItsRow() throws IOException {
        Path out = tmp.resolve("out");
        plan(real, out);
        List<String> before = csv(out);
        Mailbox extra = Mailbox.of(BmaAddress.of(BmaKind.EC, 999_001), "Internat autonome");
        PlanResult result = plan(real.plus(Inventory.of(List.of(extra))), out);
        List<String> after = new ArrayList<>(csv(out));
        assertThat(after.removeIf(l -> l.startsWith(extra.address() + ","))).isTrue();
        assertThat(after).isEqualTo(before);
        assertThat(result.changes()).extracting(PlanChange::reason).containsExactly("new mailbox");
    }

    @Test
    void datesAnnouncedByMailOneAreKeptWhenTheSettingsChange() throws IOException {
        Path out = tmp.resolve("out");
        BmaAddress announced = BmaAddress.parse("ec001394@adm.cfwb.be");
        LocalDate firstDay = plan(real, out).plan().find(announced).orElseThrow().migrationDate();
        LocalDate promised = firstDay.equals(d("2024-11-20")) ? d("2024-11-21") : d("2024-11-20");
        try (Ledger ledger = Ledger.open(tmp.resolve("ledger"), CLOCK)) {
            ledger.append(LedgerEntry.of(EventTypes.MAIL_SENT).mailbox(announced).with("mail", 1)
                    .with(Planner.ANNOUNCED_DATE_KEY, firstDay));
            // A later mail 1 (re-announcement) wins.
            ledger.append(LedgerEntry.of(EventTypes.MAIL_SENT).mailbox(announced).with("mail", 1)
                    .with(Planner.ANNOUNCED_DATE_KEY, promised));
            ledger.append(LedgerEntry.of(EventTypes.MAIL_SENT).mailbox(announced).with("mail", 2));
        }
        // Ops now black out the announced day for every school and add a closed day: the promise stands.
        PlanningSettings changed = PlanningSettings.builder()
                .blackout(Blackout.of("Inspection", promised.toString(), BmaKind.EC))
                .closedDay(NamedPeriod.of("Maintenance", "2024-11-25")).build();
        PlanResult result = plan(real, out, changed);
        PlannedMailbox row = result.plan().find(announced).orElseThrow();
        assertThat(row.migrationDate()).isEqualTo(promised);
        assertThat(row.isAnnounced()).isTrue();
        assertThat(result.changes()).filteredOn(c -> c.address().equals(announced)).singleElement()
                .satisfies(c -> assertThat(c.reason()).isEqualTo("mail 1 announced " + promised));
        assertThat(result.plan().loadByDay(BmaKind.EC).get(promised)).isEqualTo(1);
        assertThat(result.changes()).filteredOn(c -> !c.address().equals(announced))
                .allSatisfy(c -> assertThat(c.reason()).isIn(promised + " is in blackout Inspection",
                        "2024-11-25 is closed (Maintenance)"));
        assertThat(csv(out)).anyMatch(l -> l.startsWith(announced + ",") && l.contains("," + promised + ",")
                && l.contains(",announced; announced day now in blackout Inspection,"));
    }

    @Test
    void aSelectionListsItsRowsButTheWholeInventoryIsPlanned() throws IOException {
        Path out = tmp.resolve("out");
        PlanResult result = Bma.configure().inventory(real).ledgerDirectory(tmp.resolve("ledger")).outputDirectory(out)
                .clock(CLOCK).properties(Map.of("bma.capacity.ec", "170", "bma.leadDays", "3")).load()
                .plan(MailboxSelection.parse("ec001394,po000478"));
        assertThat(result.selected()).extracting(p -> p.address().toString())
                .containsExactly("ec001394@adm.cfwb.be", "po000478@adm.cfwb.be");
        assertThat(result.plan().size()).isEqualTo(4064);
        assertThat(csv(out)).hasSize(4065);
        assertThat(result.plan().settings().wave(BmaKind.EC).capacityPerDay()).isEqualTo(170);
        assertThat(result.plan().settings().leadDays()).isEqualTo(3);
        assertThatThrownBy(() -> Bma.configure().inventory(real).ledgerDirectory(tmp.resolve("ledger"))
                .outputDirectory(out).load().plan(MailboxSelection.parse("ec999998")))
                .isInstanceOf(BmaException.class).hasMessageContaining("Not in the inventory");
    }

    @Test
    void infeasiblePlanFailsWithTheNumbersAndWritesNothing() {
        Path out = tmp.resolve("out");
        PlanningSettings tight = PlanningSettings.builder().capacity(BmaKind.EC, 150).capacity(BmaKind.PO, 50).build();
        assertThatThrownBy(() -> plan(real, out, tight))
                .isInstanceOf(BmaException.class)
                .satisfies(e -> assertThat(((BmaException) e).code()).isEqualTo(BmaErrorCode.PLAN_INFEASIBLE))
                .hasMessageContaining("po-2024-10 (PO 2024-10-01..2024-10-25): needed 1035, available 950 (19 days x 50 a day), shortfall 85")
                .hasMessageContaining("ec-2024-11 (EC 2024-11-04..2024-11-30): needed 3029, available 2850 (19 days x 150 a day), shortfall 179")
                .hasMessageContaining("no plan was written");
        assertThat(out).doesNotExist();
    }

    @Test
    void aFailedReplanLeavesThePreviousFilesUntouched() throws IOException {
        Path out = tmp.resolve("out");
        plan(real, out);
        Map<String, byte[]> before = files(out);
        PlanningSettings tight = PlanningSettings.builder().capacity(BmaKind.EC, 10).build();
        assertThatThrownBy(() -> plan(real, out, tight)).isInstanceOf(BmaException.class);
        Map<String, byte[]> after = files(out);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        for (String name : before.keySet()) {
            assertThat(after.get(name)).as(name).isEqualTo(before.get(name));
        }
    }
}
