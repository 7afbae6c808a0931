package be.cfwb.bma.maven;

import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code bma:adopt} is a decision per mailbox: without {@code bma.mailboxes} it adopts nothing and touches no ledger. */
class AdoptMojoTest {

    @TempDir
    Path work;

    @Test
    @SuppressWarnings("UnnecessaryAssignment") // the test stands in for Maven's injection
    void withoutMailboxesItIsRefusedAndNoLedgerIsCreated() throws Exception {
        Path inventory = work.resolve("inventory.csv");
        Files.writeString(inventory, "address,name\nec001394@adm.cfwb.be,Athénée royal\n");
        AdoptMojo mojo = new AdoptMojo();
        mojo.settingsDecrypter = NotifyMojoTest.PLAIN;
        mojo.inventory = inventory.toFile();
        mojo.ledger = work.resolve("ledger").toString();
        mojo.outputDirectory = work.resolve("target/bma").toFile();
        mojo.settings = new Settings();
        // Servers on loopback that nothing answers: the refusal comes before any connection.
        mojo.sourceUrl = "imap://127.0.0.1:9";
        mojo.targetUrl = "imap://127.0.0.1:9";
        mojo.target = "imap";
        mojo.targetAuth = "password";
        mojo.parallelism = 1;
        mojo.connectionsPerMailbox = 4;
        mojo.folderMapping = "exchange";
        mojo.settings.addServer(server(AbstractBmaMojo.SOURCE_SERVER));
        mojo.settings.addServer(server(AbstractBmaMojo.TARGET_SERVER));

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("bma:adopt needs bma.mailboxes");
        assertThat(work.resolve("ledger")).doesNotExist();
    }

    private static Server server(String id) {
        Server server = new Server();
        server.setId(id);
        server.setUsername("admin");
        server.setPassword("not-used");
        return server;
    }

    private static org.assertj.core.api.AbstractPathAssert<?> assertThat(Path path) {
        return org.assertj.core.api.Assertions.assertThat(path);
    }
}
