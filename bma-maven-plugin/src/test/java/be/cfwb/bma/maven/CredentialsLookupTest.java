package be.cfwb.bma.maven;

import be.cfwb.bma.BmaException;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialsLookupTest {

    @Test
    void settingsServerComesFirst() throws MojoExecutionException {
        Settings settings = new Settings();
        Server server = new Server();
        server.setId("bma-source");
        server.setUsername("admin*master");
        server.setPassword("s3cret-from-settings");
        settings.addServer(server);
        CredentialsLookup lookup = new CredentialsLookup(settings, null,
                Map.of("BMA_SOURCE_USERNAME", "env-user", "BMA_SOURCE_PASSWORD", "env-pass")::get);

        ServerCredentials credentials = lookup.find("bma-source").orElseThrow();

        assertThat(credentials.username()).isEqualTo("admin*master");
        assertThat(credentials.password()).isEqualTo("s3cret-from-settings".toCharArray());
        assertThat(credentials.origin()).isEqualTo("settings.xml");
        assertThat(credentials.toString()).doesNotContain("s3cret").contains("****");
        assertThat(lookup.require("bma-source", "the legacy IMAP server").user()).isEqualTo("admin*master");
        assertThat(lookup.origin("bma-source")).isEqualTo("settings.xml server bma-source");
    }

    @Test
    void environmentIsTheFallback() throws MojoExecutionException {
        CredentialsLookup lookup = new CredentialsLookup(new Settings(), null,
                Map.of("BMA_TARGET_USERNAME", "svc", "BMA_TARGET_PASSWORD", "env-pass")::get);

        ServerCredentials credentials = lookup.find("bma-target").orElseThrow();

        assertThat(credentials.username()).isEqualTo("svc");
        assertThat(credentials.password()).isEqualTo("env-pass".toCharArray());
        assertThat(credentials.origin()).isEqualTo("environment BMA_TARGET_USERNAME/BMA_TARGET_PASSWORD");
    }

    @Test
    void secretsComeFromTheEnvironmentNeverFromTheirName() {
        CredentialsLookup lookup = new CredentialsLookup(new Settings(), null,
                Map.of("BMA_GRAPH_CLIENTSECRET", "env-secret")::get);

        assertThat(lookup.secret("bma.graph.clientSecret")).hasValueSatisfying(s -> assertThat(s.reveal()).isEqualTo("env-secret"));
        assertThat(lookup.secret("bma.graph.certificatePassword")).isEmpty();
        assertThat(lookup.toString()).doesNotContain("env-secret");
    }

    @Test
    void missingCredentialsNameTheServerIdAndBothWaysToGiveThem() {
        CredentialsLookup lookup = new CredentialsLookup(new Settings(), null, Map.<String, String>of()::get);

        assertThatThrownBy(() -> lookup.require("bma-graph", "Microsoft Graph"))
                .isInstanceOf(BmaException.class)
                .hasMessage("No credentials for Microsoft Graph: add a <server> with <id>bma-graph</id> to your settings.xml"
                        + " (encrypt the password with mvn --encrypt-password), or set BMA_GRAPH_USERNAME and"
                        + " BMA_GRAPH_PASSWORD in the environment");
    }
}
