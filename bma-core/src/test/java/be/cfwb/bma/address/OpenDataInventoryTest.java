package be.cfwb.bma.address;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real FW-B open-data export, as published, shipped with the library. */
class OpenDataInventoryTest {

    private static Inventory inventory;

    @BeforeAll
    static void load() {
        inventory = Inventory.bundledOpenData();
    }

    @Test
    void yieldsOneMailboxPerEstablishmentAndPerOrganisingBody() {
        assertThat(inventory.countByKind()).containsEntry(BmaKind.EC, 3029).containsEntry(BmaKind.PO, 1035);
        assertThat(inventory.size()).isEqualTo(4064);
        assertThat(inventory.mailboxes()).isSortedAccordingTo(Mailbox::compareTo);
    }

    @Test
    void establishmentRowIsReadWithItsOrganisingBody() {
        Mailbox ec = inventory.find(BmaAddress.parse("ec001394@adm.cfwb.be")).orElseThrow();

        assertThat(ec.name()).isEqualTo("Ecole primaire libre Saint-Donat");
        assertThat(ec.network()).isEqualTo("Libre confessionnel");
        assertThat(ec.levels()).containsExactly("Fondamental");
        assertThat(ec.postalCode()).isEqualTo("7110");
        assertThat(ec.commune()).isEqualTo("La Louvière");
        assertThat(ec.organisingBody()).contains(BmaAddress.of(BmaKind.PO, 924));
        assertThat(ec.constraints().isEmpty()).isTrue();
    }

    @Test
    void organisingBodyIsReadFromItsColumns() {
        Mailbox po = inventory.find(BmaAddress.parse("po000478@adm.cfwb.be")).orElseThrow();

        assertThat(po.name()).isEqualTo("Wallonie-Bruxelles Enseignement");
        assertThat(po.commune()).isEqualTo("Bruxelles");
        assertThat(po.network()).isEqualTo("WBE");
        assertThat(po.levels()).contains("Fondamental", "Secondaire");
        assertThat(po.organisingBody()).isEmpty();
    }

    @Test
    void establishmentWithSeveralLevelsKeepsThemAll() {
        Mailbox ec = inventory.find(BmaAddress.of(BmaKind.EC, 42)).orElseThrow();

        assertThat(ec.name()).isEqualTo("Cours de promotion sociale Erasme");
        assertThat(ec.levels()).containsExactly("Secondaire", "Supérieur");
    }

    @Test
    void highestFiveDigitNumberAndQuotedNamesSurvive() {
        assertThat(inventory.find(BmaAddress.parse("ec095758@adm.cfwb.be"))).isPresent();
        assertThat(inventory.find(BmaAddress.of(BmaKind.EC, 6)).orElseThrow().name())
                .isEqualTo("Ecole fondamentale \"Clair Soleil\" (P1-M8)");
    }

    @Test
    void establishmentAndOrganisingBodyNumbersOverlapWithoutClash() {
        assertThat(inventory.find(BmaAddress.of(BmaKind.EC, 60)).orElseThrow().name()).isEqualTo("ATHENEE ROYAL D'AUDERGHEM");
        assertThat(inventory.find(BmaAddress.of(BmaKind.PO, 60))).isNotEqualTo(inventory.find(BmaAddress.of(BmaKind.EC, 60)));
    }

    @Test
    void badRowsAreAllReportedWithLineAndColumnAndNothingIsLoaded() throws IOException {
        String original = bundledText();
        String[] lines = original.split("\r\n", -1);
        // Line 3: establishment FASE not a number; line 5: PO FASE empty; line 7: a field lost.
        lines[2] = lines[2].replaceFirst("^\\d+;", "12x;");
        lines[4] = replaceField(lines[4], 20, "");
        lines[6] = lines[6].substring(0, lines[6].lastIndexOf(';'));
        String broken = String.join("\r\n", lines);

        assertThatThrownBy(() -> Inventory.read(stream(broken), "broken.csv"))
                .isInstanceOfSatisfying(InventoryException.class, e -> assertThat(e.problems())
                        .extracting(InventoryProblem::line, InventoryProblem::column)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple(3, "N° FASE de l'établissement"),
                                org.assertj.core.groups.Tuple.tuple(5, "N° FASE du P.O."),
                                org.assertj.core.groups.Tuple.tuple(7, "")))
                .hasMessageContaining("broken.csv:3 [N° FASE de l'établissement]: FASE number '12x' has a non-digit character 'x'")
                .hasMessageContaining("broken.csv:7: the row has 27 fields, the header 28")
                .hasMessageContaining("nothing was loaded");
    }

    @Test
    void disagreeingRowsForOneEstablishmentAreReported() throws IOException {
        String[] lines = bundledText().split("\r\n", -1);
        // Lines 2 and 3 are two rows of one establishment; rename it on the second.
        assertThat(lines[1].split(";")[0]).isEqualTo(lines[2].split(";")[0]);
        lines[2] = replaceField(lines[2], 1, "Autre nom");

        assertThatThrownBy(() -> Inventory.read(stream(String.join("\r\n", lines)), "x.csv"))
                .hasMessageContaining("x.csv:3 [Nom de l'établissement]: ec000006@adm.cfwb.be is named 'Autre nom' here but");
    }

    @Test
    void theFileIsReadAsPublishedWithItsDoubledByteOrderMark() throws IOException {
        try (InputStream in = Inventory.class.getResourceAsStream(Inventory.BUNDLED_OPEN_DATA)) {
            byte[] head = in.readNBytes(6);
            assertThat(head).containsExactly(0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF);
        }
    }

    private static String replaceField(String line, int index, String value) {
        String[] fields = line.split(";", -1);
        fields[index] = value;
        return String.join(";", fields);
    }

    private static String bundledText() throws IOException {
        try (InputStream in = Inventory.class.getResourceAsStream(Inventory.BUNDLED_OPEN_DATA)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
