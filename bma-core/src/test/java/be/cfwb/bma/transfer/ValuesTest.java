package be.cfwb.bma.transfer;

import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValuesTest {

    @Test
    void folderPathEncodingIsUnambiguousAndRoundTrips() {
        FolderPath p = FolderPath.of("INBOX", "Factures 2023/2024", "Éléments envoyés", "a.b%c");
        String encoded = p.encoded();
        assertThat(encoded).isEqualTo("INBOX/Factures%202023%2F2024/%C3%89l%C3%A9ments%20envoy%C3%A9s/a.b%25c");
        assertThat(FolderPath.decode(encoded)).isEqualTo(p);
        assertThat(FolderPath.of("a/b").encoded()).isNotEqualTo(FolderPath.of("a", "b").encoded());
        assertThatThrownBy(() -> FolderPath.of("a", "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sourceKeyHeaderRoundTripsAndRejectsForeignValues() {
        SourceKey key = new SourceKey(BmaAddress.parse("ec001394@adm.cfwb.be"), FolderPath.of("INBOX", "Sous/dossier"),
                1732700000L, 45);
        assertThat(key.headerLine()).isEqualTo(
                "X-BMA-Source: v=1; m=ec001394@adm.cfwb.be; f=INBOX/Sous%2Fdossier; uv=1732700000; uid=45\r\n");
        assertThat(SourceKey.parse(key.toString())).contains(key);
        assertThat(SourceKey.parse("v=1; m=ec001394@adm.cfwb.be;\r\n f=INBOX/Sous%2Fdossier; uv=1732700000; uid=45"))
                .contains(key);
        assertThat(SourceKey.parse("v=2; m=ec001394@adm.cfwb.be; f=INBOX; uv=1; uid=1")).isEmpty();
        assertThat(SourceKey.parse("v=1; m=someone@else.org; f=INBOX; uv=1; uid=1")).isEmpty();
        assertThat(SourceKey.parse("v=1; m=ec001394@adm.cfwb.be; f=INBOX; uv=1; uid=1; uid=2")).isEmpty();
        assertThat(SourceKey.parse("garbage")).isEmpty();
    }

    @Test
    void endpointsAcceptPlaintextOnlyOnLoopback() {
        assertThat(ImapEndpoint.parse("imap://127.0.0.1:3143", "x").plaintext()).isTrue();
        assertThat(ImapEndpoint.parse("imap://localhost", "x").plaintext()).isTrue();
        ImapEndpoint remote = ImapEndpoint.parse("imap://mail.cfwb.be", "x");
        assertThat(remote.plaintext()).as("STARTTLS required off loopback").isFalse();
        assertThat(remote.port()).isEqualTo(143);
        ImapEndpoint tls = ImapEndpoint.parse("imaps://outlook.office365.com", "x");
        assertThat(tls.tls()).isTrue();
        assertThat(tls.port()).isEqualTo(993);
        assertThat(tls.toString()).isEqualTo("imaps://outlook.office365.com:993");
        assertThatThrownBy(() -> ImapEndpoint.parse("imaps://admin:secret@host", "bma.source.url"))
                .isInstanceOf(BmaException.class).hasMessageContaining("bma.source.url").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> ImapEndpoint.parse("http://host", "bma.target.url"))
                .hasMessageContaining("imap:// or imaps://");
    }

    @Test
    void passAndMappingModesParse() {
        assertThat(Pass.parse(" Final ")).isEqualTo(Pass.FINAL);
        assertThatThrownBy(() -> Pass.parse("delta")).hasMessageContaining("prestage");
        assertThat(FolderMapper.Mode.parse("PRESERVE")).isEqualTo(FolderMapper.Mode.PRESERVE);
        assertThatThrownBy(() -> FolderMapper.Mode.parse("outlook")).hasMessageContaining("exchange");
    }

    @Test
    void flagsRefuseWhatIsNotAKeyword() {
        assertThatThrownBy(() -> new MessageFlags(false, false, false, false, new java.util.TreeSet<>(java.util.Set.of("a b"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Optional.of(MessageFlags.NONE.toString())).contains("()");
    }
}
