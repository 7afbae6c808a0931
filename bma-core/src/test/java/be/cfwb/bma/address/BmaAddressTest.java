package be.cfwb.bma.address;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BmaAddressTest {

    @ParameterizedTest
    @CsvSource({
            "EC, 1394, ec001394@adm.cfwb.be",
            "PO, 478, po000478@adm.cfwb.be",
            "EC, 95758, ec095758@adm.cfwb.be",
            "EC, 1, ec000001@adm.cfwb.be",
            "PO, 999999, po999999@adm.cfwb.be"})
    void formatsAndParsesBack(BmaKind kind, int fase, String expected) {
        BmaAddress address = BmaAddress.of(kind, fase);

        assertThat(address).hasToString(expected);
        assertThat(BmaAddress.parse(expected)).isEqualTo(address);
        assertThat(address.kind()).isEqualTo(kind);
        assertThat(address.number().value()).isEqualTo(fase);
    }

    @ParameterizedTest
    @ValueSource(strings = {"EC001394@ADM.CFWB.BE", "  ec001394@adm.cfwb.be\t", "Ec001394@Adm.Cfwb.Be"})
    void acceptsCaseAndSurroundingSpace(String input) {
        assertThat(BmaAddress.parse(input)).isEqualTo(BmaAddress.of(BmaKind.EC, 1394));
    }

    @Test
    void identityIsKindAndNumberNotTheBareNumber() {
        assertThat(BmaAddress.of(BmaKind.EC, 478)).isNotEqualTo(BmaAddress.of(BmaKind.PO, 478));
        assertThat(BmaAddress.of(BmaKind.EC, 478)).isEqualTo(BmaAddress.parse("ec000478@adm.cfwb.be"));
    }

    @Test
    void shortFormIsAcceptedWhereOpsTypeIt() {
        assertThat(BmaAddress.parseLenient("ec001394")).isEqualTo(BmaAddress.of(BmaKind.EC, 1394));
        assertThat(BmaAddress.parseLenient(" PO000478 ")).isEqualTo(BmaAddress.of(BmaKind.PO, 478));
        assertThat(BmaAddress.parseLenient("po000478@adm.cfwb.be")).isEqualTo(BmaAddress.of(BmaKind.PO, 478));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ec001394@cfwb.be | Invalid BMA address 'ec001394@cfwb.be': the domain is 'cfwb.be', not 'adm.cfwb.be'",
            "ec001394@adm.cfwb.be.evil.com | the domain is 'adm.cfwb.be.evil.com', not 'adm.cfwb.be'",
            "xx001394@adm.cfwb.be | the prefix 'xx' is unknown; it must be 'ec' (establishment) or 'po' (organising body)",
            "ec00139a@adm.cfwb.be | the FASE part '00139a' has a non-digit character 'a'",
            "ec-01394@adm.cfwb.be | the FASE part '-01394' has a non-digit character '-'",
            "ec1394@adm.cfwb.be | the FASE part '1394' has 4 digits; it must be zero-padded to exactly 6",
            "ec0001394@adm.cfwb.be | the FASE part '0001394' has 7 digits; it must be zero-padded to exactly 6",
            "ec000000@adm.cfwb.be | the FASE number is zero; FASE numbers start at 1",
            "ec1234567@adm.cfwb.be | the FASE part '1234567' has more than 6 digits",
            "ec@adm.cfwb.be | the FASE number is missing after 'ec'",
            "ec001394 | it has no '@adm.cfwb.be' domain",
            "e@adm.cfwb.be | the part before '@' must start with 'ec' or 'po'"})
    void rejectsWithAPreciseMessage(String input, String expected) {
        assertThatThrownBy(() -> BmaAddress.parse(input))
                .isInstanceOf(BmaException.class)
                .hasMessageContaining("'" + input + "'")
                .hasMessageContaining(expected)
                .extracting(e -> ((BmaException) e).code()).isEqualTo(BmaErrorCode.INVALID_ADDRESS);
    }

    @Test
    void rejectsEmptyInput() {
        assertThatThrownBy(() -> BmaAddress.parse("  ")).hasMessageContaining("it is empty");
        assertThatThrownBy(() -> BmaAddress.parse(null)).hasMessageContaining("it is empty");
    }

    @Test
    void ordersEstablishmentsBeforeOrganisingBodiesThenByNumber() {
        assertThat(java.util.List.of(BmaAddress.of(BmaKind.PO, 1), BmaAddress.of(BmaKind.EC, 20),
                BmaAddress.of(BmaKind.EC, 3)).stream().sorted().map(BmaAddress::toString))
                .containsExactly("ec000003@adm.cfwb.be", "ec000020@adm.cfwb.be", "po000001@adm.cfwb.be");
    }
}
