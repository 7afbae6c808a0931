package be.cfwb.bma.transfer.imap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RawFetchTest {

    @Test
    void theServersWordsStopAtTheFirstLiteralSoNoMessageTextIsRepeated() {
        String words = RawFetch.words("* 3 FETCH (X-GARBLED%% UID 3 BODY[]<0> {27}\r\nSubject: salaires 2024\r\n\r\nx)");

        assertThat(words).isEqualTo("* 3 FETCH (X-GARBLED%% UID 3 BODY[]<0> {27} ...").doesNotContain("salaires");
    }

    @Test
    void longWordsAreCutAndControlCharactersShownAsSpaces() {
        assertThat(RawFetch.words("* 3 FETCH (INTERNALDATE \"x\u0000y\")")).isEqualTo("* 3 FETCH (INTERNALDATE \"x y\")");
        assertThat(RawFetch.words("* 3 FETCH (" + "A".repeat(500) + ")")).hasSize(203).endsWith("...");
    }

    @Test
    void theUidAnUnparsableAnswerNames() {
        assertThat(RawFetch.uidIn("* 3 FETCH (X-GARBLED%% UID 17 FLAGS (\\Seen))")).contains(17L);
        assertThat(RawFetch.uidIn("* 3 FETCH (X-GARBLED%% FLAGS (\\Seen))")).isEmpty();
    }
}
