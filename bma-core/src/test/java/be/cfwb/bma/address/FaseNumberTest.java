package be.cfwb.bma.address;

import be.cfwb.bma.BmaException;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaseNumberTest {

    @Test
    void parsesWithOrWithoutLeadingZeros() {
        assertThat(FaseNumber.parse("1394")).isEqualTo(FaseNumber.of(1394));
        assertThat(FaseNumber.parse(" 001394 ")).isEqualTo(FaseNumber.of(1394));
        assertThat(FaseNumber.of(1394).padded()).isEqualTo("001394");
        assertThat(FaseNumber.of(1394)).hasToString("1394");
    }

    @Test
    void addressDigitsAreAsciiWhateverTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            // Arabic and Persian locales format %d with their own digits (٠٠١٣٩٤).
            for (String tag : new String[] {"ar-EG", "fa-IR", "th-TH-u-nu-thai"}) {
                Locale.setDefault(Locale.forLanguageTag(tag));
                assertThat(FaseNumber.of(1394).padded()).as(tag).isEqualTo("001394");
                assertThat(BmaAddress.of(BmaKind.EC, 1394)).as(tag).hasToString("ec001394@adm.cfwb.be");
            }
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void rejectsOutOfRangeAndNonDigits() {
        assertThatThrownBy(() -> FaseNumber.of(0)).isInstanceOf(BmaException.class)
                .hasMessage("FASE number 0 is out of range: it must be between 1 and 999999");
        assertThatThrownBy(() -> FaseNumber.of(1_000_000)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> FaseNumber.parse("12a")).hasMessage("FASE number '12a' has a non-digit character 'a'");
        assertThatThrownBy(() -> FaseNumber.parse("0000")).hasMessageContaining("is zero");
        assertThatThrownBy(() -> FaseNumber.parse("1234567")).hasMessageContaining("more than 6 digits");
        assertThatThrownBy(() -> FaseNumber.parse("")).hasMessage("FASE number is empty");
    }
}
