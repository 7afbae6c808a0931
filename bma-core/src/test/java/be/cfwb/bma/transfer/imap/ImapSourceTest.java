package be.cfwb.bma.transfer.imap;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ImapSourceTest {

    @Test
    void consecutiveUidsAreSentAsRanges() {
        assertThat(ImapSource.uidSet(List.of(1L, 2L, 3L, 7L, 9L, 10L))).isEqualTo("1:3,7,9:10");
        assertThat(ImapSource.uidSet(List.of(42L))).isEqualTo("42");
        assertThat(ImapSource.uidSet(List.of(4L, 6L, 8L))).isEqualTo("4,6,8");
        assertThat(ImapSource.uidSet(List.of(4294967294L, 4294967295L))).isEqualTo("4294967294:4294967295");
    }
}
