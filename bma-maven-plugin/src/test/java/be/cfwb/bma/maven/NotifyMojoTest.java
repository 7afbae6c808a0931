package be.cfwb.bma.maven;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotifyMojoTest {

    @TempDir
    Path work;

    /** Hands servers back unchanged, as Maven does for unencrypted passwords. */
    static final SettingsDecrypter PLAIN = new SettingsDecrypter() {
        @Override
        public SettingsDecryptionResult decrypt(SettingsDecryptionRequest request) {
            return new SettingsDecryptionResult() {
                @Override
                public Server getServer() {
                    return request.getServers().get(0);
                }

                @Override
                public List<Server> getServers() {
                    return request.getServers();
                }

                @Override
                public org.apache.maven.settings.Proxy getProxy() {
                    return null;
                }

                @Override
                public List<org.apache.maven.settings.Proxy> getProxies() {
                    return List.of();
                }

                @Override
                public List<SettingsProblem> getProblems() {
                    return List.of();
                }
            };
        }
    };

    @SuppressWarnings("UnnecessaryAssignment") // the test stands in for Maven's injection
    NotifyMojo mojo() throws IOException {
        Path inventory = work.resolve("inventory.csv");
        Files.writeString(inventory, "address,name\nec001394@adm.cfwb.be,Athénée royal\npo000478@adm.cfwb.be,Ville de Namur\n");
        NotifyMojo mojo = new NotifyMojo();
        mojo.settingsDecrypter = PLAIN;
        mojo.inventory = inventory.toFile();
        mojo.ledger = work.resolve("ledger").toString();
        mojo.outputDirectory = work.resolve("target/bma").toFile();
        mojo.date = "2024-11-30";
        mojo.tutorial1Url = "https://enseignement.be/bma/t1";
        mojo.tutorial2Url = "https://enseignement.be/bma/t2";
        mojo.settings = new Settings();
        return mojo;
    }

    @Test
    void dryRunRendersTheOutboxWithoutAnyServer() throws Exception {
        NotifyMojo mojo = mojo();
        mojo.dryRun = true;
        mojo.mailboxes = "ec001394";
        mojo.execute();
        Path outbox = work.resolve("target/bma/outbox");
        for (int n = 1; n <= 4; n++) {
            assertThat(outbox.resolve("ec001394@adm.cfwb.be-mail" + n + ".eml")).isRegularFile();
        }
        assertThat(outbox.resolve("po000478@adm.cfwb.be-mail1.eml")).doesNotExist();
        assertThat(Files.readString(outbox.resolve("ec001394@adm.cfwb.be-mail2.eml"))).contains("********");
        assertThat(work.resolve("target/bma/notify-2024-11-30-dryrun.csv")).isRegularFile();
    }

    @Test
    void aMissingTutorialLinkStopsTheGoalNamingTheTemplate() throws Exception {
        NotifyMojo mojo = mojo();
        mojo.dryRun = true;
        mojo.tutorial2Url = null;
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("mail3").hasMessageContaining("{{tutorial2_url}}");
    }

    @Test
    void aRealRunNeedsAnSmtpServerAndAKnownSettingsServer() throws Exception {
        NotifyMojo mojo = mojo();
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("bma.smtp.host");
        mojo.smtpHost = "smtp.office365.com";
        mojo.smtpServer = "bma-smtp";
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("No credentials for the SMTP server (bma.smtp.server)").hasMessageContaining("<id>bma-smtp</id>");
    }
}
