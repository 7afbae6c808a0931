package be.cfwb.bma.maven;

import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.config.SecretResolver;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.transfer.TransferSettings;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code bma.target} chooses how mail is written; a typo is named, not guessed. */
class TargetSelectionTest {

    @Test
    void imapIsTheDefaultGraphIsChosenByNameAnythingElseIsRefused() {
        assertThat(TransferSettings.targetIsImap(BmaSettingsReader.of(Map.of()))).isTrue();
        assertThat(TransferSettings.targetIsImap(BmaSettingsReader.of(Map.of("bma.target", "IMAP")))).isTrue();
        assertThat(TransferSettings.targetIsImap(BmaSettingsReader.of(Map.of("bma.target", "graph")))).isFalse();
        assertThatThrownBy(() -> TransferSettings.targetIsImap(BmaSettingsReader.of(Map.of("bma.target", "ews"))))
                .isInstanceOf(BmaException.class).hasMessage("bma.target 'ews' is unknown; use imap or graph");
    }

    @Test
    void aGraphTargetNeedsNoTargetUrlButAnImapTargetDoes() {
        Map<String, String> graph = Map.of("bma.source.url", "imap://127.0.0.1:1143", "bma.target", "graph");
        assertThat(TransferSettings.from(BmaSettingsReader.of(graph), admin(), java.time.Clock.systemUTC())).isNotNull();

        Map<String, String> imap = Map.of("bma.source.url", "imap://127.0.0.1:1143");
        assertThatThrownBy(() -> TransferSettings.from(BmaSettingsReader.of(imap), admin(), java.time.Clock.systemUTC())).hasMessageContaining("bma.target.url");
    }

    private static SecretResolver admin() {
        return SecretResolver.of(Map.of(SecretResolver.SOURCE,
                new be.cfwb.bma.credentials.Login("admin", be.cfwb.bma.credentials.Secret.of("x"))), Map.of());
    }
}
