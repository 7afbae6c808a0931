package be.cfwb.bma.report;

import be.cfwb.bma.Bma;
import be.cfwb.bma.EventTypes;
import be.cfwb.bma.FrenchPages;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {

    private static final BmaAddress DONE = BmaAddress.parse("ec001394@adm.cfwb.be");
    private static final BmaAddress EMPTY = BmaAddress.parse("ec000006@adm.cfwb.be");
    private static final BmaAddress HOSTILE = BmaAddress.parse("ec099999@adm.cfwb.be");
    private static final BmaAddress PO = BmaAddress.parse("po000478@adm.cfwb.be");

    @TempDir
    Path dir;

    @Test
    void dashboardShowsEachMailboxWithChartsAndFlagsAnomalies() throws IOException {
        Clock clock = Clock.fixed(Instant.parse("2024-11-04T16:00:00Z"), ZoneId.of("Europe/Brussels"));
        Path ledgerDir = dir.resolve("ledger");
        try (Ledger ledger = Ledger.open(ledgerDir, clock)) {
            ledger.append(LedgerEntry.of(EventTypes.MAIL_SENT).mailbox(DONE).with("mail", 1).with("migration_date", "2024-11-04"));
            ledger.append(LedgerEntry.of(EventTypes.TRANSFER_PASS_DONE).mailbox(DONE).with("pass", "prestage")
                    .with("complete", true).with(MigrationReport.COPIED, 120).with(MigrationReport.BYTES, 3_145_728)
                    .with(MigrationReport.SKIPPED, 1));
            ledger.append(LedgerEntry.of(EventTypes.VERIFY_PASSED).mailbox(DONE));
            // Surveyed after mail 1: two messages on the server (mail 1 among them), big, one folder renamed.
            ledger.append(LedgerEntry.of(EventTypes.MAIL_SENT).mailbox(PO).with("mail", 1));
            ledger.append(LedgerEntry.of(EventTypes.MAILBOX_SURVEYED).mailbox(PO).with(MigrationReport.FOUND, 2)
                    .with(MigrationReport.BYTES, 90L * 1024 * 1024).with("renamed", 1));
            ledger.append(LedgerEntry.of(EventTypes.TRANSFER_PASS_DONE).mailbox(EMPTY).with("pass", "prestage")
                    .with("complete", true).with(MigrationReport.FOUND, 1).with(MigrationReport.COPIED, 1).with(MigrationReport.BYTES, 900));
        }
        Inventory inventory = Inventory.bundledOpenData()
                .plus(Inventory.of(List.of(Mailbox.of(HOSTILE, "École <script>alert(1)</script> & \"Cie\""))));
        Bma bma = Bma.configure().inventory(inventory).ledgerDirectory(ledgerDir).outputDirectory(dir.resolve("out"))
                .clock(clock).load();

        Path html = bma.report(MailboxSelection.of(List.of(DONE, EMPTY, HOSTILE, PO)));

        String page = Files.readString(html);
        assertThat(page).contains("<svg", "Vague EC", "Vague PO", "Boîtes vérifiées, cumul", "Mo copiés par jour")
                .contains("École &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Cie&quot;")
                .doesNotContain("<script>")
                .contains("presque vide sur le serveur (logiciel en POP ?)")
                .contains("1 message(s) non copié(s)")
                .contains("au-delà de l’ancien quota de 80 Mo; 1 dossier(s) renommé(s) pour la nouvelle interface;"
                        + " presque vide sur le serveur (logiciel en POP ?)");
        // Entirely French, the time in words in Brussels (16:00 UTC is 17:00 there in November).
        assertThat(page).contains("<p>Situation au 4 novembre 2024 à 17:00 (heure de Bruxelles)</p>")
                .contains("<td>vérifiée</td>").contains("<td>4 novembre 2024</td>").contains("en attente");
        FrenchPages.assertFrenchOnly(page, List.of("École &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Cie&quot;"));
        JsonNode json = new ObjectMapper().readTree(dir.resolve("out").resolve(ReportWriter.JSON).toFile());
        assertThat(json.get("mailboxes").asInt()).isEqualTo(4);
        assertThat(json.get("messages").asLong()).isEqualTo(121);
        assertThat(json.get("steps").get("verified").asInt()).isEqualTo(1);
        JsonNode done = json.get("rows").get(0);
        assertThat(done.get("address").asText()).isEqualTo("ec000006@adm.cfwb.be");
        assertThat(json.get("rows").get(1).get("migration_date").asText()).isEqualTo("2024-11-04");
        assertThat(json.get("rows").get(1).get("verification").asText()).isEqualTo("verified");
        assertThat(Files.readAllLines(dir.resolve("out").resolve(ReportWriter.CSV)))
                .first().isEqualTo("address,name,kind,step,migration_date,messages,bytes,skipped,verification,anomalies");
        assertThat(page).isEqualTo(Files.readString(bma.report(MailboxSelection.of(List.of(DONE, EMPTY, HOSTILE, PO)))));
    }

    @Test
    void countsBrusselsDaysWhateverTheZoneOfTheClock() throws IOException {
        // 23:30 UTC on 4 November is 00:30 on the 5th in Brussels: the night's copy belongs to the 5th.
        Clock utc = Clock.fixed(Instant.parse("2024-11-04T23:30:00Z"), ZoneId.of("UTC"));
        Path ledgerDir = dir.resolve("ledger");
        try (Ledger ledger = Ledger.open(ledgerDir, utc)) {
            ledger.append(LedgerEntry.of(EventTypes.TRANSFER_PASS_DONE).mailbox(DONE).with("pass", "final")
                    .with("complete", true).with(MigrationReport.COPIED, 3).with(MigrationReport.BYTES, 2 * 1024 * 1024));
            ledger.append(LedgerEntry.of(EventTypes.VERIFY_PASSED).mailbox(DONE));
        }
        Bma bma = Bma.configure().inventory(Inventory.bundledOpenData()).ledgerDirectory(ledgerDir)
                .outputDirectory(dir.resolve("out")).clock(utc).load();

        String page = Files.readString(bma.report(MailboxSelection.of(List.of(DONE))));

        assertThat(page).as("verified on the 5th, 2 MB copied on the 5th")
                .contains("<title>5 nov. : 1</title>", "<title>5 nov. : 2</title>")
                .doesNotContain("<title>4 nov.");
    }

    @Test
    void anEmptyDashboardIsFrenchToo() throws IOException {
        Clock clock = Clock.fixed(Instant.parse("2024-11-27T06:00:00Z"), ZoneId.of("UTC"));
        Bma bma = Bma.configure().inventory(Inventory.bundledOpenData()).ledgerDirectory(dir.resolve("ledger"))
                .outputDirectory(dir.resolve("out")).clock(clock).load();

        String page = Files.readString(bma.report(MailboxSelection.of(List.of(DONE, PO))));

        assertThat(page).contains("Situation au 27 novembre 2024 à 07:00").contains("rien pour l’instant")
                .doesNotContain("2024-11-27T06:00:00Z");
        FrenchPages.assertFrenchOnly(page, List.of());
        // The check itself catches what it is for.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FrenchPages.assertFrenchOnly(
                "<p>Situation au 2024-11-27T06:00:00Z</p>", List.of())).isInstanceOf(AssertionError.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FrenchPages.assertFrenchOnly(
                "<td>pending</td>", List.of())).isInstanceOf(AssertionError.class);
    }
}
