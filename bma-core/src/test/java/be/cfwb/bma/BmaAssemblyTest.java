package be.cfwb.bma;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.config.SecretResolver;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.graph.GraphConnection;
import be.cfwb.bma.ledger.LedgerLocation;
import be.cfwb.bma.notify.NotifyResult;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.SampleMailboxes;
import be.cfwb.bma.testing.graph.GraphStandIn;
import be.cfwb.bma.testing.graph.TokenEndpointStandIn;
import be.cfwb.bma.transfer.Pass;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An embedder gets exactly what the Maven plugin gets: the keys of a goal's run (here a
 * {@link Properties}) and its logins (here a map, where the plugin reads settings.xml servers)
 * give the same configuration through {@link BmaAssembly}, Graph app and credentials files
 * included; no secret is ever a property or in a message.
 */
@Timeout(120)
class BmaAssemblyTest {

    private static final String TENANT = "cfwb.onmicrosoft.com";
    private static final String CLIENT = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final String SECRET = "app~s3cret.value-123";
    private static final BmaAddress MAILBOX = BmaAddress.parse("ec001394@adm.cfwb.be");
    private static final String OLD_PASSWORD = "Old-pw-1394";

    @TempDir
    Path dir;
    private GreenMailFixture oldServer;
    private GraphStandIn graph;
    private TokenEndpointStandIn entra;

    @BeforeEach
    void start() throws IOException {
        oldServer = GreenMailFixture.start();
        graph = GraphStandIn.start();
        entra = TokenEndpointStandIn.start(Files.createDirectories(dir.resolve("certificates")))
                .app(TENANT, CLIENT, SECRET)
                .token("https://graph.microsoft.com/.default", graph.token())
                .token(GraphConnection.EXCHANGE_SCOPE, "exchange-token");
    }

    @AfterEach
    void stop() {
        entra.close();
        graph.close();
        oldServer.close();
    }

    /** The keys of {@code mvn bma:migrate -Dbma.target=graph ...}, as the plugin hands them to the core. */
    private Properties migrateToGraph() throws IOException {
        Path inventory = Files.writeString(dir.resolve("inventory.csv"),
                "address,name\n" + MAILBOX + ",Athénée royal\npo000478@adm.cfwb.be,Ville de Namur\n", StandardCharsets.UTF_8);
        Path oldPasswords = Files.writeString(dir.resolve("old-passwords.csv"), MAILBOX + ";" + OLD_PASSWORD + "\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(oldPasswords, PosixFilePermissions.fromString("rw-------"));
        Properties p = new Properties();
        p.setProperty(BmaProperties.INVENTORY, inventory.toString());
        p.setProperty(BmaProperties.LEDGER, dir.resolve("ledger").toString());
        p.setProperty(BmaProperties.OUTPUT, dir.resolve("out").toString());
        p.setProperty(BmaProperties.MAILBOXES, "ec001394");
        p.setProperty(BmaProperties.SOURCE_URL, oldServer.imapEndpoint().toString());
        p.setProperty(BmaProperties.SOURCE_CREDENTIALS, oldPasswords.toString());
        p.setProperty(BmaProperties.TARGET, "graph");
        p.setProperty(BmaProperties.GRAPH_TENANT, TENANT);
        p.setProperty(BmaProperties.GRAPH_AUTHORITY, entra.authority());
        p.setProperty(BmaProperties.GRAPH_TRUST_CERTIFICATE, entra.trustCertificate().toString());
        p.setProperty(BmaProperties.GRAPH_BASE_URL, graph.baseUrl());
        p.setProperty(BmaProperties.PARALLELISM, "2");
        p.setProperty("unrelated.key", "ignored");
        return p;
    }

    /** The login of settings.xml server {@code bma-graph}: client id and secret. */
    private static SecretResolver graphApp() {
        return SecretResolver.of(Map.of(SecretResolver.GRAPH, new Login(CLIENT, Secret.of(SECRET))), Map.of());
    }

    @Test
    void propertiesAndAMapOfLoginsMigrateAndVerifyAsThePluginDoes() throws IOException {
        oldServer.createUser(MAILBOX, OLD_PASSWORD);
        graph.addUser(MAILBOX.toString());
        try (MailboxSeeder seeder = oldServer.seeder(MAILBOX, OLD_PASSWORD)) {
            SampleMailboxes.seed(seeder, MAILBOX, 5);
        }

        try (BmaAssembly assembly = BmaAssembly.of(BmaSettingsReader.of(migrateToGraph()), graphApp())) {
            Bma bma = assembly.configuration(BmaAssembly.Verb.MIGRATE).load();
            MigrateResult copy = bma.migrate(assembly.selection(), Pass.PRESTAGE);
            VerifyResult verification = bma.verify(assembly.selection());

            assertThat(copy.isSuccess()).as(copy.summaryLine()).isTrue();
            assertThat(verification.isSuccess()).as(verification.summaryLine()).isTrue();
            assertThat(graph.allMessages(MAILBOX.toString())).hasSize(5);
            assertThat(bma.ledgerDirectory()).isEqualTo(dir.resolve("ledger"));
            assertThat(copy.file()).startsWith(dir.resolve("out"));
            assertThat(assembly.toString()).doesNotContain(SECRET).doesNotContain(OLD_PASSWORD);
        }
        // The app signed in with the resolver's client id and secret, at the authority of the keys.
        assertThat(entra.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    }

    @Test
    void aGoalThatNeedsNoServerOpensNoneAndAMissingLoginIsNamed() throws IOException {
        Properties p = migrateToGraph();
        try (BmaAssembly assembly = BmaAssembly.of(BmaSettingsReader.of(p), SecretResolver.none())) {
            assertThat(assembly.configuration(BmaAssembly.Verb.STATUS).load().status(assembly.selection()).mailboxes())
                    .hasSize(1);
            assertThatThrownBy(() -> assembly.configuration(BmaAssembly.Verb.MIGRATE))
                    .isInstanceOf(BmaException.class).hasMessageContaining("of tenant " + TENANT + " has no credential")
                    .hasMessageContaining(BmaProperties.GRAPH_CLIENT_SECRET);
        }
        assertThat(entra.requests()).isEmpty();
        assertThat(graph.requests()).isEmpty();
    }

    @Test
    void aDryRunNotificationRendersTheOutboxWithoutAnyServer() throws IOException {
        Properties p = migrateToGraph();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("bma.graph.") || key.startsWith("bma.source.") || key.equals(BmaProperties.TARGET)) {
                p.remove(key);
            }
        }
        p.setProperty(BmaProperties.DATE, "2024-11-30");
        p.setProperty(BmaProperties.DRY_RUN, "true");
        p.setProperty(BmaProperties.NOTIFY_TUTORIAL1_URL, "https://enseignement.be/bma/t1");
        p.setProperty(BmaProperties.NOTIFY_TUTORIAL2_URL, "https://enseignement.be/bma/t2");
        try (BmaAssembly assembly = BmaAssembly.of(BmaSettingsReader.of(p), SecretResolver.none())) {
            NotifyResult result = assembly.configuration(BmaAssembly.Verb.NOTIFY).load()
                    .notify(assembly.selection(), assembly.day().orElseThrow(), assembly.dryRun());

            assertThat(assembly.day()).contains(LocalDate.of(2024, 11, 30));
            assertThat(result.outbox()).isPresent();
            for (int n = 1; n <= 4; n++) {
                assertThat(dir.resolve("out/outbox/" + MAILBOX + "-mail" + n + ".eml")).isRegularFile();
            }
        }
    }

    @Test
    void theSmtpLoginComesFromTheResolverAndAMissingOneIsNamedWithoutAnySecret() throws IOException {
        Properties p = migrateToGraph();
        p.remove(BmaProperties.SOURCE_URL);
        p.setProperty(BmaProperties.SMTP_HOST, "smtp.office365.com");
        p.setProperty(BmaProperties.SMTP_SERVER, "bma-smtp");
        try (BmaAssembly assembly = BmaAssembly.of(BmaSettingsReader.of(p), graphApp())) {
            assertThatThrownBy(() -> assembly.configuration(BmaAssembly.Verb.NOTIFY))
                    .isInstanceOf(BmaException.class)
                    .hasMessage("No credentials for the SMTP server (bma.smtp.server): give the login of server"
                            + " 'bma-smtp' to the secret resolver");
        }
        SecretResolver withSmtp = SecretResolver.of(Map.of("bma-smtp", new Login("notify@cfwb.be", Secret.of("Smtp-pw-9"))),
                Map.of()).orElse(graphApp());
        try (BmaAssembly assembly = BmaAssembly.of(BmaSettingsReader.of(p), withSmtp)) {
            String notifier = assembly.notificationSettings().build().notifier().orElseThrow().description();
            assertThat(notifier).contains("smtp.office365.com").contains("notify@cfwb.be").doesNotContain("Smtp-pw-9");
        }
    }

    @Test
    void theGoalsOwnKeysAreReadHereToo() {
        BmaAssembly none = BmaAssembly.of(Map.of(), SecretResolver.none());
        assertThat(none.pass()).isEqualTo(Pass.PRESTAGE);
        assertThat(none.cutoverHook(dir)).isEmpty();
        assertThat(none.selection().isAll()).isTrue();
        assertThat(none.dryRun()).isFalse();

        BmaAssembly keys = BmaAssembly.of(Map.of(BmaProperties.PASS, "final", BmaProperties.CUTOVER_COMMAND,
                "switch-routing {address}", BmaProperties.CUTOVER_TIMEOUT_SECONDS, "0"), SecretResolver.none());
        assertThat(keys.pass()).isEqualTo(Pass.FINAL);
        assertThatThrownBy(() -> keys.cutoverHook(dir)).isInstanceOf(BmaException.class)
                .hasMessageContaining("bma.cutover.timeoutSeconds");
        assertThatThrownBy(() -> BmaAssembly.of(Map.of(BmaProperties.PASS, "delta"), SecretResolver.none()).pass())
                .hasMessageContaining("bma.pass 'delta'");
    }

    @Test
    void aPostgresLedgerTakesItsLoginFromTheResolverAndItsLeaseAndFilesFromTheKeysNeverShowingThePassword() {
        Map<String, String> keys = Map.of(BmaProperties.LEDGER, "jdbc:postgresql://db.example:5433/bma",
                BmaProperties.LEDGER_LEASE_SECONDS, "60", BmaProperties.LEDGER_FILES, dir.resolve("files").toString(),
                BmaProperties.LEDGER_TO, dir.resolve("backup").toString());
        SecretResolver secrets = SecretResolver.of(Map.of(SecretResolver.LEDGER, new Login("bma", Secret.of(SECRET))),
                Map.of());
        try (BmaAssembly assembly = BmaAssembly.of(keys, secrets)) {
            LedgerLocation ledger = assembly.ledger(BmaProperties.LEDGER);
            assertThat(ledger).isInstanceOfSatisfying(LedgerLocation.Database.class, db -> {
                assertThat(db.login()).map(Login::user).contains("bma");
                assertThat(db.leases().duration()).isEqualTo(Duration.ofSeconds(60));
                assertThat(db.leases().heartbeat()).isEqualTo(Duration.ofSeconds(10));
                assertThat(db.files()).isEqualTo(dir.resolve("files"));
            });
            assertThat(assembly.ledger(BmaProperties.LEDGER_TO)).isEqualTo(new LedgerLocation.Directory(dir.resolve("backup")));
            Bma bma = assembly.configuration(BmaAssembly.Verb.STATUS).inventory(Inventory.bundledOpenData()).load();
            assertThat(bma.ledger()).isEqualTo(ledger);
            assertThat(bma.ledgerDirectory()).isEqualTo(dir.resolve("files"));
            assertThat(bma.toString() + ledger).contains("jdbc:postgresql://db.example:5433/bma as bma").doesNotContain(SECRET);
            assertThatThrownBy(() -> assembly.ledger(BmaProperties.LEDGER_FROM)).isInstanceOf(BmaException.class)
                    .hasMessageContaining(BmaProperties.LEDGER_FROM);
        }
        // A directory ledger never asks the resolver: a broken ledger login cannot stop a file campaign.
        SecretResolver broken = new SecretResolver() {
            @Override
            public Optional<Login> login(String serverId) {
                throw new AssertionError("asked for " + serverId);
            }
        };
        assertThat(BmaAssembly.of(Map.of(BmaProperties.LEDGER, dir.resolve("ledger").toString()), broken)
                .ledger(BmaProperties.LEDGER)).isEqualTo(new LedgerLocation.Directory(dir.resolve("ledger")));
        assertThatThrownBy(() -> BmaAssembly.of(Map.of(BmaProperties.LEDGER, "jdbc:postgresql://db/bma",
                BmaProperties.LEDGER_LEASE_SECONDS, "3"), SecretResolver.none()).ledger(BmaProperties.LEDGER))
                .isInstanceOf(BmaException.class).hasMessageContaining(BmaProperties.LEDGER_LEASE_SECONDS)
                .hasMessageContaining("6 seconds or more");
    }

    @Test
    void aSecretIsNeverAProperty() {
        Properties p = new Properties();
        p.setProperty(BmaProperties.GRAPH_CLIENT_SECRET, SECRET);
        assertThatThrownBy(() -> BmaAssembly.of(BmaSettingsReader.of(p), SecretResolver.none()))
                .isInstanceOf(BmaException.class).hasMessageContaining(BmaProperties.GRAPH_CLIENT_SECRET)
                .hasMessageContaining("secret resolver").message().doesNotContain(SECRET);
    }
}
