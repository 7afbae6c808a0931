package be.cfwb.bma.address;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/** Our own inventory format, for the mailboxes the open data lacks. */
class SimpleInventoryFormatTest {

    @TempDir
    Path dir;

    @Test
    void readsSemicolonFormWithEveryOptionalColumn() throws IOException {
        Path file = write("""
                address;name;po;network;level;postal_code;commune;fixed_date;forbidden_dates;same_day_group;notes
                ec099001@adm.cfwb.be;Centre PMS libre de Namur;po000924;Libre confessionnel;Secondaire;5000;Namur;;2024-11-12|2024-11-13;;CPMS
                ec099002;"Internat ""Les Pins""; Mons";478;WBE;;;;2024-11-18;;g1;
                """);

        Inventory inventory = Inventory.load(file);

        assertThat(inventory.size()).isEqualTo(2);
        Mailbox cpms = inventory.find(BmaAddress.of(BmaKind.EC, 99001)).orElseThrow();
        assertThat(cpms.name()).isEqualTo("Centre PMS libre de Namur");
        assertThat(cpms.organisingBody()).contains(BmaAddress.of(BmaKind.PO, 924));
        assertThat(cpms.levels()).containsExactly("Secondaire");
        assertThat(cpms.commune()).isEqualTo("Namur");
        assertThat(cpms.notes()).isEqualTo("CPMS");
        assertThat(cpms.constraints().forbiddenDates()).containsExactly(LocalDate.of(2024, 11, 12), LocalDate.of(2024, 11, 13));
        Mailbox internat = inventory.find(BmaAddress.of(BmaKind.EC, 99002)).orElseThrow();
        assertThat(internat.name()).isEqualTo("Internat \"Les Pins\"; Mons");
        assertThat(internat.organisingBody()).contains(BmaAddress.of(BmaKind.PO, 478));
        assertThat(internat.constraints().fixedDate()).contains(LocalDate.of(2024, 11, 18));
        assertThat(internat.constraints().sameDayGroup()).isEqualTo("g1");
    }

    @Test
    void readsCommaFormWithKindAndFaseColumnsAndCrlf() throws IOException {
        Path file = write("\uFEFFkind,fase,name\r\nec,99003,\"Home d'accueil, Les Tilleuls\"\r\npo,77,Un PO\r\n");

        Inventory inventory = Inventory.load(file);

        assertThat(inventory.mailboxes()).extracting(m -> m.address().toString(), Mailbox::name).containsExactly(
                tuple("ec099003@adm.cfwb.be", "Home d'accueil, Les Tilleuls"),
                tuple("po000077@adm.cfwb.be", "Un PO"));
    }

    @Test
    void reportsEveryBadLineWithItsColumnAndLoadsNothing() throws IOException {
        Path file = write("""
                address;name;po;fixed_date;forbidden_dates
                ec000001@adm.cfwb.be;Bonne école;;;
                ec1@adm.cfwb.be;Mauvaise largeur;;;
                ec000003@adm.cfwb.be;;;;
                ec000004@gmail.com;Autre domaine;;;
                ec000005@adm.cfwb.be;Date fausse;;2024-13-01;
                ec000006@adm.cfwb.be;PO qui est un EC;ec000001;;
                ec000001@adm.cfwb.be;Doublon;;;
                ec000007@adm.cfwb.be;Fixe et interdit;;2024-11-05;2024-11-05
                """);

        assertThatThrownBy(() -> Inventory.load(file))
                .isInstanceOfSatisfying(InventoryException.class, e -> {
                    assertThat(e.code()).isEqualTo(BmaErrorCode.INVALID_INVENTORY);
                    assertThat(e.problems()).extracting(InventoryProblem::line, InventoryProblem::column).containsExactly(
                            tuple(3, "address"), tuple(4, "name"), tuple(5, "address"), tuple(6, "fixed_date"),
                            tuple(7, "po"), tuple(8, "address"), tuple(9, "fixed_date"));
                })
                .hasMessageContaining("7 problems in the inventory, nothing was loaded")
                .hasMessageContaining(file + ":3 [address]: Invalid BMA address 'ec1@adm.cfwb.be'")
                .hasMessageContaining(":6 [fixed_date]: '2024-13-01' is not a date; write it as YYYY-MM-DD")
                .hasMessageContaining(":8 [address]: duplicate: ec000001@adm.cfwb.be is already on line 2");
    }

    @Test
    void headerProblemsAreReportedBeforeAnyRow() throws IOException {
        Path file = write("adress;nom\nec000001@adm.cfwb.be;X\n");

        assertThatThrownBy(() -> Inventory.load(file))
                .isInstanceOfSatisfying(InventoryException.class, e -> assertThat(e.problems())
                        .extracting(InventoryProblem::column)
                        .containsExactly("adress", "nom", "address", "name"))
                .hasMessageContaining("[adress]: unknown column");
    }

    @Test
    void addressDisagreeingWithKindAndFaseIsRefused() throws IOException {
        Path file = write("address,kind,fase,name\nec000001@adm.cfwb.be,po,1,X\n");

        assertThatThrownBy(() -> Inventory.load(file))
                .hasMessageContaining("the address ec000001@adm.cfwb.be disagrees with kind and fase (po000001@adm.cfwb.be)");
    }

    @Test
    void unclosedQuoteAndNonUtf8AndMissingFileAreClearErrors() throws IOException {
        assertThatThrownBy(() -> Inventory.load(write("address;name\nec000001@adm.cfwb.be;\"open\n")))
                .hasMessageContaining(":2: a quoted field is not closed before the end of the file");

        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, "address;name\nec000001@adm.cfwb.be;\u00c9cole\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Inventory.load(latin1)).hasMessageContaining("latin1.csv: the file is not UTF-8");

        assertThatThrownBy(() -> Inventory.load(dir.resolve("absent.csv")))
                .isInstanceOf(BmaException.class)
                .hasMessageContaining("absent.csv does not exist");
    }

    @Test
    void mergingWithTheOpenDataDetectsDuplicates() throws IOException {
        Inventory extra = Inventory.load(write("address;name\nec099001@adm.cfwb.be;CPMS\nec001394@adm.cfwb.be;Doublon\n"));

        assertThatThrownBy(() -> Inventory.bundledOpenData().plus(extra))
                .hasMessageContaining("ec001394@adm.cfwb.be is in both inventories");
        Inventory merged = Inventory.bundledOpenData().plus(Inventory.of(List.of(extra.find(BmaAddress.of(BmaKind.EC, 99001)).orElseThrow())));
        assertThat(merged.size()).isEqualTo(4065);
    }

    private Path write(String content) throws IOException {
        Path file = dir.resolve("inventory-" + System.nanoTime() + ".csv");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}
