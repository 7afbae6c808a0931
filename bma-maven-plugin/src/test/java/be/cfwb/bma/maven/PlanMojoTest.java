package be.cfwb.bma.maven;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The goal's core call: parameters reach the planner, the files are written, failures carry the numbers. */
class PlanMojoTest {

    @TempDir
    Path tmp;

    private PlanMojo mojo() throws IOException {
        Path inventory = tmp.resolve("inventory.csv");
        Files.writeString(inventory, """
                address,name,same_day_group
                ec001394@adm.cfwb.be,Athénée royal,g1
                ec001395@adm.cfwb.be,Ecole communale,g1
                ec001396@adm.cfwb.be,Lycée,
                po000478@adm.cfwb.be,Commune de X,
                """);
        PlanMojo mojo = new PlanMojo();
        mojo.inventory = inventory.toFile();
        mojo.ledger = tmp.resolve("ledger").toString();
        mojo.outputDirectory = tmp.resolve("target/bma").toFile();
        return mojo;
    }

    @Test
    void writesThePlanFilesWithTheGivenParameters() throws Exception {
        PlanMojo mojo = mojo();
        mojo.windowEc = "2024-11-12..2024-11-13";
        mojo.capacityEc = "2";
        mojo.mail4Time = "09:15";
        mojo.accessDelayDays = "2";
        mojo.execute();
        Path out = tmp.resolve("target/bma");
        assertThat(out.resolve("plan.csv")).exists();
        assertThat(out.resolve("plan.json")).exists();
        assertThat(out.resolve("plan.ics")).exists();
        assertThat(out.resolve("plan.html")).exists();
        List<String> csv = Files.readAllLines(out.resolve("plan.csv"));
        assertThat(csv).hasSize(5);
        // The group of two fills one day, the third school takes the other.
        assertThat(csv.get(1)).contains(",ec-2024-11,2024-11-12,").contains("2024-11-12T09:15");
        assertThat(csv.get(2)).contains(",2024-11-12,");
        assertThat(csv.get(3)).contains(",2024-11-13,");
        // One organising body: the first day after 30 Sep with the full lead; access two working days later;
        // pre-staged the working day before (one mailbox is little volume).
        assertThat(csv.get(4)).startsWith("po000478@adm.cfwb.be,PO,478,Commune de X,,po-2024-10,2024-10-07,2024-09-30T09:00,")
                .endsWith(",2024-10-09,5,2024-10-04");
        byte[] first = Files.readAllBytes(out.resolve("plan.ics"));
        mojo.execute();
        assertThat(Files.readAllBytes(out.resolve("plan.ics"))).isEqualTo(first);
    }

    @Test
    void aDryRunLeavesTheLedgerAndThePublishedPlanByteIdenticalAndWritesUnderDryRun() throws Exception {
        PlanMojo mojo = mojo();
        mojo.execute();
        Path out = tmp.resolve("target/bma");
        Path journal = tmp.resolve("ledger/ledger.jsonl");
        byte[] ledgerBefore = Files.readAllBytes(journal);
        byte[] planBefore = Files.readAllBytes(out.resolve("plan.json"));
        List<Path> besideTheLedger = listed(tmp.resolve("ledger"));

        PlanMojo dry = mojo();
        dry.dryRun = true;
        dry.windowEc = "2024-11-12..2024-11-13";
        dry.execute();

        assertThat(Files.readAllBytes(journal)).isEqualTo(ledgerBefore);
        assertThat(Files.readAllBytes(out.resolve("plan.json"))).isEqualTo(planBefore);
        assertThat(listed(tmp.resolve("ledger"))).isEqualTo(besideTheLedger);
        assertThat(Files.readString(out.resolve("dry-run/plan.csv"))).contains(",2024-11-12,");
    }

    private static List<Path> listed(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void theConsoleNamesTheMailboxesWhoseMailOneHasAShortenedLead() throws Exception {
        PlanMojo mojo = mojo();
        Path inventory = tmp.resolve("two-po.csv");
        Files.writeString(inventory, """
                address,name
                po000478@adm.cfwb.be,Commune de X
                po000924@adm.cfwb.be,Commune de Y
                """);
        mojo.inventory = inventory.toFile();
        // Fri 4 Oct leaves 4 working days after 30 Sep, Mon 7 Oct the full 5: one PO starts on the 4th.
        mojo.windowPo = "2024-10-04..2024-10-07";
        List<String> lines = new ArrayList<>();
        mojo.setLog(new SystemStreamLog() {
            @Override
            public void info(CharSequence content) {
                lines.add(content.toString());
            }
        });
        mojo.execute();
        assertThat(lines).anySatisfy(l -> assertThat(l).isEqualTo("1 mailbox(es) get mail 1 with a shortened lead"
                + " (no mail 1 before 2024-09-30): po000478@adm.cfwb.be (2024-10-04, 4 of 5 working days)"));
        assertThat(Files.readAllLines(tmp.resolve("target/bma/plan.csv"))).anySatisfy(l -> assertThat(l)
                .startsWith("po000478@adm.cfwb.be,PO,478,Commune de X,,po-2024-10,2024-10-04,2024-09-30T09:00,")
                .endsWith(",2024-10-04,4,2024-10-03"));
    }

    @Test
    void anInfeasiblePlanFailsTheBuildWithTheNumbers() throws Exception {
        PlanMojo mojo = mojo();
        mojo.windowEc = "2024-11-12";
        mojo.capacityEc = "2";
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("[PLAN_INFEASIBLE]")
                .hasMessageContaining("needed 3, available 2 (1 days x 2 a day), shortfall 1");
        assertThat(tmp.resolve("target/bma/plan.csv")).doesNotExist();
    }

    @Test
    void aBadParameterNamesItsProperty() throws Exception {
        PlanMojo mojo = mojo();
        mojo.leadDays = "five";
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("bma.leadDays 'five' is not a whole number");
    }
}
