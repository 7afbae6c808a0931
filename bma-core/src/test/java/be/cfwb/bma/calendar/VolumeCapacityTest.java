package be.cfwb.bma.calendar;

import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import static be.cfwb.bma.calendar.Fixtures.ec;
import static be.cfwb.bma.calendar.Fixtures.ecs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Capacity weighted by mailbox size: {@code bma.volumePerDay.*} with {@code bma.mailboxSizes}. */
class VolumeCapacityTest {

    private static final long MB = 1024L * 1024L;

    @TempDir
    Path tmp;

    private static PlanningSettings oneWeek(long megabytesPerDay, Map<BmaAddress, Long> sizes) {
        return PlanningSettings.builder().window(BmaKind.EC, DateRange.parse("2024-11-09..2024-11-17"))
                .capacity(BmaKind.EC, 10).volumePerDay(BmaKind.EC, megabytesPerDay)
                .mailboxSizes(MailboxSizes.of(sizes)).build();
    }

    private static Map<LocalDate, Long> volumeByDay(MigrationPlan plan, PlanningSettings s) {
        Map<LocalDate, Long> v = new TreeMap<>();
        long mean = s.mailboxSizes().meanBytes();
        plan.mailboxes().forEach(p -> v.merge(p.migrationDate(), s.mailboxSizes().bytes(p.address()).orElse(mean), Long::sum));
        return v;
    }

    @Test
    void bigMailboxesAreSpreadSoThatNoDayExceedsTheVolume() {
        Map<BmaAddress, Long> sizes = new HashMap<>();
        for (int i = 1; i <= 12; i++) {
            sizes.put(ec(i).address(), (i <= 4 ? 70 : 5) * MB);
        }
        PlanningSettings s = oneWeek(100, sizes);
        MigrationPlan plan = new Planner(s).plan(ecs(1, 12));
        assertThat(volumeByDay(plan, s).values()).allSatisfy(v -> assertThat(v).isLessThanOrEqualTo(100 * MB));
        assertThat(plan.mailboxes().subList(0, 4)).extracting(PlannedMailbox::migrationDate).doesNotHaveDuplicates();
        // Without the volume limit the count alone decides and two big ones share a day.
        MigrationPlan unweighted = new Planner(s.toBuilder().mailboxSizes(MailboxSizes.NONE).build()).plan(ecs(1, 12));
        assertThat(unweighted.loadByDay().values()).containsOnly(3);
    }

    @Test
    void unknownSizesCountAsTheMeanOfTheKnownOnes() {
        PlanningSettings s = oneWeek(100, Map.of(ec(1).address(), 60 * MB, ec(2).address(), 40 * MB));
        assertThat(s.mailboxSizes().meanBytes()).isEqualTo(50 * MB);
        // 8 mailboxes of 50 MB on average, 100 MB a day: exactly two a day over the four days.
        MigrationPlan plan = new Planner(s).plan(ecs(1, 8));
        assertThat(plan.loadByDay().values()).containsOnly(2);
        assertThatThrownBy(() -> new Planner(s).plan(ecs(1, 9))).isInstanceOf(BmaException.class)
                .hasMessageContaining("ec-2024-11 volume: needed 450 MB, available 400 MB (4 days x 100 MB a day), shortfall 50 MB");
    }

    @Test
    void aMailboxLargerThanADaysVolumeIsNamed() {
        PlanningSettings s = oneWeek(100, Map.of(ec(1).address(), 150 * MB, ec(2).address(), 1 * MB));
        assertThatThrownBy(() -> new Planner(s).plan(ecs(1, 2)))
                .hasMessageContaining("ec000001@adm.cfwb.be finds every allowed day full");
    }

    @Test
    void sizesFileAndPropertiesAreRead() throws IOException {
        Path file = tmp.resolve("sizes.csv");
        Files.writeString(file, "address;bytes\nec000001@adm.cfwb.be;1048576\nec000002;2097152\n");
        PlanningSettings s = PlanningSettings.builder().read(BmaSettingsReader.of(Map.of("bma.mailboxSizes", file.toString(),
                "bma.volumePerDay.ec", "500"))).build();
        assertThat(s.volumePerDay(BmaKind.EC)).contains(500L);
        assertThat(s.volumePerDay(BmaKind.PO)).isEmpty();
        assertThat(s.mailboxSizes().bytes(BmaAddress.parse("ec000002@adm.cfwb.be"))).contains(2 * MB);
        assertThat(s.mailboxSizes().size()).isEqualTo(2);
    }

    @Test
    void badSizesFilesAreRefusedWithEveryProblem() throws IOException {
        Path file = tmp.resolve("sizes.csv");
        Files.writeString(file, "address,bytes\nec000001@adm.cfwb.be,-1\nxx12,5\nec000003,lots\nec000004,1\nec000004,2\n");
        assertThatThrownBy(() -> MailboxSizes.load(file)).isInstanceOf(BmaException.class)
                .hasMessageContaining("has 4 bad row(s)")
                .hasMessageContaining("line 2: size -1 is negative")
                .hasMessageContaining("line 3: Invalid BMA address 'xx12'")
                .hasMessageContaining("line 4: bytes 'lots' is not a whole number")
                .hasMessageContaining("line 6: ec000004@adm.cfwb.be appears twice");
        Files.writeString(file, "mailbox,size\n");
        assertThatThrownBy(() -> MailboxSizes.load(file)).hasMessageContaining("must start with the header 'address,bytes'");
        assertThatThrownBy(() -> MailboxSizes.load(tmp.resolve("missing.csv"))).hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> PlanningSettings.builder().volumePerDay(BmaKind.EC, 0))
                .hasMessage("Volume per day for EC is 0 MB; it must be at least 1");
    }
}
