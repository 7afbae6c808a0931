package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.AccessToken;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.credentials.TokenSupplier;
import be.cfwb.bma.notify.NotificationKind;
import be.cfwb.bma.notify.OutgoingMail;
import be.cfwb.bma.notify.SenderIdentity;
import be.cfwb.bma.notify.SenderRole;
import be.cfwb.bma.retry.Sleeper;
import be.cfwb.bma.notify.SmtpNotifier;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.graph.GraphStandIn;
import be.cfwb.bma.testing.graph.TokenEndpointStandIn;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.calendar.PlanningSettings;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * App-only OAuth on the Exchange paths, from the {@code bma.*} keys through the toolkit's own
 * token code (MSAL against the https token endpoint stand-in, trusted through
 * {@code bma.graph.trustCertificate}): the IMAP target logged in to with XOAUTH2 as each mailbox
 * ({@code bma.target.auth=oauth2}), SMTP submission with XOAUTH2 as each sender
 * ({@code bma.smtp.auth=oauth2}), both with the token for {@code https://outlook.office365.com/.default}
 * of the same Entra app as Graph; the contradicting combinations refused naming the key; the
 * secret never in a message.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExchangeOAuthTest {

    private static final String TENANT = "cfwb.onmicrosoft.com";
    private static final String CLIENT = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final String SECRET = "app~s3cret.value-123";
    private static final String EXCHANGE_TOKEN = "exchange-app-token-42";
    private static final BmaAddress MAILBOX = BmaAddress.parse("ec001394@adm.cfwb.be");

    @TempDir
    Path dir;
    private TokenEndpointStandIn entra;
    private GraphStandIn graph;

    @BeforeAll
    void start(@TempDir Path certificates) {
        graph = GraphStandIn.start();
        entra = TokenEndpointStandIn.start(certificates)
                .app(TENANT, CLIENT, SECRET)
                .token("https://graph.microsoft.com/.default", graph.token())
                .token(GraphConnection.EXCHANGE_SCOPE, EXCHANGE_TOKEN);
    }

    @AfterAll
    void stop() {
        entra.close();
        graph.close();
    }

    private Map<String, String> app(String secret) {
        Map<String, String> p = new HashMap<>();
        p.put(BmaProperties.GRAPH_TENANT, TENANT);
        p.put(BmaProperties.GRAPH_CLIENT_ID, CLIENT);
        p.put(BmaProperties.GRAPH_CLIENT_SECRET, secret);
        p.put(BmaProperties.GRAPH_AUTHORITY, entra.authority());
        p.put(BmaProperties.GRAPH_TRUST_CERTIFICATE, entra.trustCertificate().toString());
        p.put(BmaProperties.GRAPH_BASE_URL, graph.baseUrl());
        return p;
    }

    @Test
    void imapTargetLogsInWithTheAppsExchangeTokenAsEachMailbox() {
        try (GreenMailFixture oldServer = GreenMailFixture.start(); GreenMailFixture newServer = GreenMailFixture.start();
             GraphConnection connection = GraphConnection.open(GraphSettings.fromProperties(app(SECRET)))) {
            // GreenMail takes the bearer token of XOAUTH2 as the user's password.
            newServer.createUser(MAILBOX, EXCHANGE_TOKEN);
            Map<String, String> p = new HashMap<>();
            p.put(BmaProperties.SOURCE_URL, oldServer.imapEndpoint().toString());
            p.put(BmaProperties.TARGET_URL, newServer.imapEndpoint().toString());
            p.put(BmaProperties.TARGET_AUTH, "oauth2");
            int before = entra.requests().size();
            TransferSettings settings = TransferSettings.fromProperties(p,
                    Optional.of(new Login("imap-admin", Secret.of("admin-pw"))), Optional.empty(),
                    () -> Optional.of(connection.exchangeTokens()), Clock.systemUTC()).build();

            try (MailboxTarget target = settings.target().open(MAILBOX)) {
                assertThat(target).isNotNull();
            } catch (Exception e) {
                throw new AssertionError(e);
            }

            assertThat(entra.requests().subList(before, entra.requests().size()))
                    .extracting(TokenEndpointStandIn.TokenRequest::scope, TokenEndpointStandIn.TokenRequest::status)
                    .contains(org.assertj.core.groups.Tuple.tuple(GraphConnection.EXCHANGE_SCOPE, 200));
        }
    }

    @Test
    void exchangeTokensComeFromMsalWithTheirExpiryAndARefusedOneIsRenewed() {
        try (GraphConnection connection = GraphConnection.open(GraphSettings.fromProperties(app(SECRET)))) {
            TokenSupplier tokens = connection.exchangeTokens();
            AccessToken first = tokens.token();
            assertThat(first.token().reveal()).isEqualTo(EXCHANGE_TOKEN);
            assertThat(first.expiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(50)),
                    Instant.now().plus(Duration.ofMinutes(61)));
            long asked = exchangeRequests();
            tokens.token();
            assertThat(exchangeRequests()).as("MSAL's cache serves a valid token").isEqualTo(asked);
            tokens.invalidate(first);
            tokens.token();
            assertThat(exchangeRequests()).as("a refused token is replaced by one asked afresh").isEqualTo(asked + 1);
            assertThat(tokens.toString()).doesNotContain(EXCHANGE_TOKEN);
        }
    }

    private long exchangeRequests() {
        return entra.requests().stream().filter(r -> r.scope().contains("outlook.office365.com")).count();
    }

    @Test
    void aWrongSecretIsACredentialFailureThatNeverShowsTheSecret() {
        String wrong = "wrong~secret.value-999";
        try (GraphConnection connection = GraphConnection.open(GraphSettings.fromProperties(app(wrong)))) {
            assertThatThrownBy(() -> connection.exchangeTokens().token()).isInstanceOfSatisfying(BmaException.class, e -> {
                assertThat(e.code()).isEqualTo(BmaErrorCode.CREDENTIAL_FAILED);
                assertThat(e.getMessage()).contains("invalid_client").contains(CLIENT).doesNotContain(wrong)
                        .doesNotContain(SECRET);
            });
        }
    }

    @Test
    void aCertificateSignsTheClientAssertionAndAnotherCertificateIsRefused() throws Exception {
        String certClient = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
        Path good = keyPair("app", "good-pw");
        Path other = keyPair("other", "other-pw");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(good)) {
            ks.load(in, "good-pw".toCharArray());
        }
        entra.app(TENANT, certClient, (java.security.cert.X509Certificate) ks.getCertificate("app"));
        Map<String, String> p = app(SECRET);
        p.remove(BmaProperties.GRAPH_CLIENT_SECRET);
        p.put(BmaProperties.GRAPH_CLIENT_ID, certClient);
        p.put(BmaProperties.GRAPH_CERTIFICATE, good.toString());
        p.put(BmaProperties.GRAPH_CERTIFICATE_PASSWORD, "good-pw");
        try (GraphConnection connection = GraphConnection.open(GraphSettings.fromProperties(p))) {
            assertThat(connection.exchangeTokens().token().token().reveal()).isEqualTo(EXCHANGE_TOKEN);
        }
        assertThat(entra.requests().get(entra.requests().size() - 1).credential()).isEqualTo("certificate");

        p.put(BmaProperties.GRAPH_CERTIFICATE, other.toString());
        p.put(BmaProperties.GRAPH_CERTIFICATE_PASSWORD, "other-pw");
        try (GraphConnection connection = GraphConnection.open(GraphSettings.fromProperties(p))) {
            assertThatThrownBy(() -> connection.exchangeTokens().token()).isInstanceOfSatisfying(BmaException.class, e -> {
                assertThat(e.code()).isEqualTo(BmaErrorCode.CREDENTIAL_FAILED);
                assertThat(e.getMessage()).contains("invalid_client").doesNotContain("other-pw");
            });
        }
    }

    /** A PKCS#12 key pair made with the JDK's keytool. */
    private Path keyPair(String alias, String password) throws Exception {
        Path store = dir.resolve(alias + ".p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", password,
                "-keypass", password, "-alias", alias, "-dname", "CN=" + alias, "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return store;
    }

    @Test
    void smtpSubmitsWithXoauth2AsEachSender() throws Exception {
        ServerSetup setup = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        setup.setServerStartupTimeout(10_000);
        GreenMail smtp = new GreenMail(setup);
        smtp.start();
        try (GraphConnection connection = GraphConnection.open(GraphSettings.fromProperties(app(SECRET)))) {
            SenderIdentity sgne = SenderIdentity.defaultFor(SenderRole.SGNE);
            SenderIdentity etnic = SenderIdentity.defaultFor(SenderRole.ETNIC);
            smtp.setUser(sgne.address(), sgne.address(), EXCHANGE_TOKEN);
            smtp.setUser(etnic.address(), etnic.address(), EXCHANGE_TOKEN);
            Map<String, String> p = Map.of(BmaProperties.SMTP_HOST, "127.0.0.1",
                    BmaProperties.SMTP_PORT, Integer.toString(smtp.getSmtp().getPort()),
                    BmaProperties.SMTP_SECURITY, "none", BmaProperties.SMTP_AUTH, "oauth2");
            try (SmtpNotifier notifier = SmtpNotifier.fromProperties(p, Optional.empty(),
                    () -> Optional.of(connection.exchangeTokens()), Sleeper.system())) {
                notifier.send(mail(NotificationKind.MAIL1, sgne));
                notifier.send(mail(NotificationKind.MAIL2, etnic));
            }
            assertThat(smtp.getReceivedMessages()).hasSize(2);
            assertThat(smtp.getReceivedMessages()[1].getFrom()[0].toString()).contains(etnic.address());
        } finally {
            smtp.stop();
        }
    }

    @Test
    void smtpWithARefusedTokenSaysWhatToCheckWithoutTheToken() {
        ServerSetup setup = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        setup.setServerStartupTimeout(10_000);
        GreenMail smtp = new GreenMail(setup);
        smtp.start();
        try {
            SenderIdentity sgne = SenderIdentity.defaultFor(SenderRole.SGNE);
            smtp.setUser(sgne.address(), sgne.address(), "another-token");
            TokenSupplier fixed = () -> new AccessToken(Secret.of("refused-token-77"), Instant.now().plusSeconds(3600));
            Map<String, String> p = Map.of(BmaProperties.SMTP_HOST, "127.0.0.1",
                    BmaProperties.SMTP_PORT, Integer.toString(smtp.getSmtp().getPort()),
                    BmaProperties.SMTP_SECURITY, "none", BmaProperties.SMTP_AUTH, "oauth2");
            SmtpNotifier notifier = SmtpNotifier.fromProperties(p, Optional.empty(), () -> Optional.of(fixed),
                    Sleeper.system());
            assertThatThrownBy(() -> notifier.send(mail(NotificationKind.MAIL1, sgne)))
                    .isInstanceOfSatisfying(BmaException.class, e -> {
                        assertThat(e.code()).isEqualTo(BmaErrorCode.CONNECTION_FAILED);
                        assertThat(e.getMessage()).contains("SMTP.SendAsApp").contains(sgne.address())
                                .doesNotContain("refused-token-77");
                    });
        } finally {
            smtp.stop();
        }
    }

    private static OutgoingMail mail(NotificationKind kind, SenderIdentity from) {
        return new OutgoingMail(kind, MAILBOX, from, "Migration de votre boîte", "Bonjour", "<p>Bonjour</p>",
                "bma." + kind.name().toLowerCase(java.util.Locale.ROOT) + ".ec001394.v1@adm.cfwb.be",
                ZonedDateTime.of(2024, 10, 14, 9, 0, 0, 0, PlanningSettings.ZONE));
    }

    // The settings mapping: every contradiction refused before any connection, naming the key.

    private static final Supplier<Optional<TokenSupplier>> NO_APP = Optional::empty;
    private static final Supplier<Optional<TokenSupplier>> APP = ExchangeOAuthTest::app;

    private static Optional<TokenSupplier> app() {
        return Optional.of(ExchangeOAuthTest::fixedToken);
    }

    private static AccessToken fixedToken() {
        return new AccessToken(Secret.of("t"), Instant.MAX);
    }

    private static Map<String, String> imap(String... keyValues) {
        Map<String, String> p = new HashMap<>(Map.of(BmaProperties.SOURCE_URL, "imaps://old.example.be:993",
                BmaProperties.TARGET_URL, "imaps://outlook.office365.com:993"));
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private static void refused(Runnable configure, String... mentions) {
        assertThatThrownBy(configure::run).isInstanceOfSatisfying(BmaException.class, e -> {
            assertThat(e.code()).isEqualTo(BmaErrorCode.INVALID_CONFIGURATION);
            assertThat(e.getMessage()).contains(mentions).doesNotContain(SECRET);
        });
    }

    private static final Optional<Login> ADMIN = Optional.of(new Login("imap-admin", Secret.of(SECRET)));

    @Test
    void targetAuthMappingRefusesContradictionsNamingTheKey() throws Exception {
        Path file = Files.writeString(dir.resolve("target.csv"), MAILBOX + ";pw\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        refused(() -> TransferSettings.fromProperties(imap(BmaProperties.TARGET_AUTH, "oauth"), ADMIN, Optional.empty(),
                APP, Clock.systemUTC()), "bma.target.auth", "'oauth'", "password or oauth2");
        refused(() -> TransferSettings.fromProperties(imap(BmaProperties.TARGET_AUTH, "oauth2"), ADMIN, Optional.empty(),
                NO_APP, Clock.systemUTC()), "bma.target.auth=oauth2", "bma.graph.tenant", "bma-graph");
        refused(() -> TransferSettings.fromProperties(imap(BmaProperties.TARGET_AUTH, "oauth2",
                BmaProperties.TARGET_CREDENTIALS, file.toString()), ADMIN, Optional.empty(), APP, Clock.systemUTC()),
                "bma.target.auth=oauth2", "bma.target.credentials");
        refused(() -> TransferSettings.fromProperties(imap(BmaProperties.TARGET_AUTH, "oauth2",
                BmaProperties.TARGET, "graph"), ADMIN, Optional.empty(), APP, Clock.systemUTC()),
                "bma.target.auth", "bma.target=graph");
        // The password default is unchanged: no app asked for.
        TransferSettings.fromProperties(imap(BmaProperties.TARGET_CREDENTIALS, file.toString()), ADMIN, Optional.empty(),
                () -> {
                    throw new AssertionError("the app is asked only for oauth2");
                }, Clock.systemUTC()).build();
        TransferSettings.fromProperties(imap(BmaProperties.TARGET_AUTH, "OAuth2"), ADMIN, Optional.empty(), APP,
                Clock.systemUTC()).build();
    }

    @Test
    void smtpAuthMappingRefusesContradictionsNamingTheKey() {
        Map<String, String> smtp = Map.of(BmaProperties.SMTP_HOST, "smtp.office365.com", BmaProperties.SMTP_AUTH, "oauth2");
        refused(() -> SmtpNotifier.fromProperties(smtp, Optional.empty(), NO_APP, Sleeper.system()),
                "bma.smtp.auth=oauth2", "bma.graph.tenant", "bma-graph");
        Map<String, String> withServer = new HashMap<>(smtp);
        withServer.put(BmaProperties.SMTP_SERVER, "bma-smtp");
        refused(() -> SmtpNotifier.fromProperties(withServer, Optional.empty(), APP, Sleeper.system()),
                "bma.smtp.auth=oauth2", "bma.smtp.server");
        Map<String, String> plain = new HashMap<>(smtp);
        plain.put(BmaProperties.SMTP_SECURITY, "none");
        plain.put(BmaProperties.SMTP_ALLOW_PLAINTEXT, "true");
        refused(() -> SmtpNotifier.fromProperties(plain, Optional.empty(), APP, Sleeper.system()),
                "bma.smtp.auth=oauth2", "bma.smtp.security");
        refused(() -> SmtpNotifier.fromProperties(Map.of(BmaProperties.SMTP_HOST, "smtp.example.be",
                BmaProperties.SMTP_AUTH, "xoauth"), Optional.empty(), APP, Sleeper.system()), "bma.smtp.auth", "'xoauth'");
        SmtpNotifier.fromProperties(smtp, Optional.empty(), APP, Sleeper.system()).close();
    }

    @Test
    void authorityKeysAreChecked() {
        Map<String, String> p = app(SECRET);
        p.put(BmaProperties.GRAPH_AUTHORITY, "http://login.example.com/");
        refused(() -> GraphSettings.fromProperties(p), "bma.graph.authority", "https");
        Map<String, String> q = app(SECRET);
        q.put(BmaProperties.GRAPH_TRUST_CERTIFICATE, dir.resolve("missing.pem").toString());
        refused(() -> GraphSettings.fromProperties(q), "bma.graph.trustCertificate", "missing.pem");
        assertThat(GraphSettings.fromProperties(app(SECRET)).authority()).isEqualTo(entra.authority());
    }
}
