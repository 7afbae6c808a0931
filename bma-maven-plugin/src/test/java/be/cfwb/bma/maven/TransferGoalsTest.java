package be.cfwb.bma.maven;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.transfer.FolderPath;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Proxy;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** bma:migrate and bma:verify against GreenMail, configured as a build would configure them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransferGoalsTest {

    private static final BmaAddress MAILBOX = BmaAddress.parse("ec001394@adm.cfwb.be");
    private static final String PASSWORD = "s3cret;pw";

    private GreenMailFixture oldServer;
    private GreenMailFixture newServer;
    @TempDir
    Path dir;

    @BeforeAll
    void start() {
        oldServer = GreenMailFixture.start();
        newServer = GreenMailFixture.start();
        oldServer.createUser(MAILBOX, PASSWORD);
        newServer.createUser(MAILBOX, PASSWORD);
        try (MailboxSeeder s = oldServer.seeder(MAILBOX, PASSWORD)) {
            s.append(FolderPath.inbox(), TestMessage.builder().subject("Circulaire").build(), MailboxSeeder.flags("\\Seen"),
                    Instant.parse("2024-09-30T10:00:00Z"));
            s.append(FolderPath.of("Envoyés"), TestMessage.builder().subject("Réponse").build(), MailboxSeeder.flags(),
                    Instant.parse("2024-10-01T10:00:00Z"));
        }
    }

    @AfterAll
    void stop() {
        oldServer.close();
        newServer.close();
    }

    /** Stands in for Maven's decrypter: "decrypts" {SECRET} into SECRET. */
    private static final SettingsDecrypter DECRYPTER = request -> new SettingsDecryptionResult() {
        @Override
        public Server getServer() {
            Server s = request.getServers().get(0).clone();
            s.setPassword(s.getPassword().replaceAll("^\\{(.*)\\}$", "$1"));
            return s;
        }

        @Override
        public List<Server> getServers() {
            return List.of(getServer());
        }

        @Override
        public Proxy getProxy() {
            return null;
        }

        @Override
        public List<Proxy> getProxies() {
            return List.of();
        }

        @Override
        public List<SettingsProblem> getProblems() {
            return List.of();
        }
    };

    @SuppressWarnings("UnnecessaryAssignment") // the test stands in for Maven's injection
    private static <T extends AbstractBmaMojo> T withDecrypter(T mojo) {
        mojo.settingsDecrypter = DECRYPTER;
        return mojo;
    }

    private <T extends AbstractTransferMojo> T configure(T mojo, Settings settings) throws Exception {
        Path inventory = dir.resolve("inventory.csv");
        Files.writeString(inventory, "address;name\n" + MAILBOX + ";École\n", StandardCharsets.UTF_8);
        mojo.inventory = inventory.toFile();
        mojo.ledger = dir.resolve("ledger").toString();
        mojo.outputDirectory = dir.resolve("target/bma").toFile();
        mojo.sourceUrl = oldServer.imapEndpoint().toString();
        mojo.targetUrl = newServer.imapEndpoint().toString();
        mojo.parallelism = 2;
        mojo.connectionsPerMailbox = 4;
        mojo.folderMapping = "exchange";
        mojo.settings = settings;
        return mojo;
    }

    private Path credentials() throws Exception {
        Path file = dir.resolve("credentials.csv");
        Files.writeString(file, MAILBOX + ";" + PASSWORD + "\n", StandardCharsets.UTF_8);
        return Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void migrateThenVerifyWithCredentialsFiles() throws Exception {
        MigrateMojo migrate = configure(withDecrypter(new MigrateMojo()), new Settings());
        migrate.sourceCredentials = credentials().toFile();
        migrate.targetCredentials = credentials().toFile();
        migrate.pass = "prestage";
        migrate.execute();

        Path report = dir.resolve("target/bma/migrate-report.json");
        assertThat(report).exists();
        assertThat(Files.readString(report)).contains("\"complete\" : true").contains("Sent Items")
                .doesNotContain(PASSWORD);

        VerifyMojo verify = configure(withDecrypter(new VerifyMojo()), new Settings());
        verify.sourceCredentials = migrate.sourceCredentials;
        verify.targetCredentials = migrate.targetCredentials;
        verify.execute();
        assertThat(dir.resolve("target/bma/verify-report.json")).exists();
    }

    @Test
    void missingCredentialsNameTheSettingsServer() throws Exception {
        MigrateMojo migrate = configure(withDecrypter(new MigrateMojo()), new Settings());
        migrate.pass = "prestage";
        assertThatThrownBy(migrate::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("bma-source").hasMessageContaining("bma.source.credentials");
    }

    @Test
    void aMailboxThatCannotBeCopiedFailsTheBuildWithoutShowingTheSecret() throws Exception {
        Settings settings = new Settings();
        Server source = new Server();
        source.setId("bma-source");
        source.setUsername("admin");
        source.setPassword("{" + PASSWORD + "}");
        settings.addServer(source);
        MigrateMojo migrate = configure(withDecrypter(new MigrateMojo()), settings);
        migrate.targetCredentials = credentials().toFile();
        migrate.pass = "final";
        // GreenMail offers no SASL PLAIN, so the admin login is refused rather than misused.
        assertThatThrownBy(migrate::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("migrate-report.json").hasMessageNotContaining(PASSWORD);
        assertThat(Files.readString(dir.resolve("target/bma/migrate-report.json"))).contains("AUTH=PLAIN")
                .doesNotContain(PASSWORD);
    }
}
