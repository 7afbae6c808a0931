package be.cfwb.bma.security;

import be.cfwb.bma.config.SecretResolver;
import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxSource;
import be.cfwb.bma.transfer.SourceFolder;
import be.cfwb.bma.transfer.TransferException;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;
import be.cfwb.bma.transfer.imap.ImapSource;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS by default: a server with a self-signed certificate (GreenMail behind TLS) is refused by the
 * toolkit's IMAP connection with a clear, non-retried error, and accepted only when exactly its
 * certificate is trusted explicitly ({@link ImapEndpoint#trusting}, {@code bma.source.trustCertificate});
 * trusting another certificate does not let it in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTrustTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T08:00:00Z"), ZoneOffset.UTC);
    private static final BmaAddress MAILBOX = BmaAddress.of(BmaKind.EC, 4242);
    private static final String PASSWORD = "tls;S3cret!";

    private GreenMail server;
    @TempDir
    Path temp;

    private Path serverPem;

    private ServerSocket tls;
    /** The same server presenting a certificate made for mail.example.org, not for 127.0.0.1. */
    private ServerSocket otherHost;
    private Path otherHostPem;
    private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tls-terminator");
        t.setDaemon(true);
        return t;
    });

    /**
     * A self-signed IMAPS server: GreenMail's IMAP behind a TLS terminator on loopback with a
     * certificate made for 127.0.0.1 (GreenMail's own IMAPS shares one JVM-wide keystore whose
     * certificate names no host, so it cannot show the accepted case).
     */
    @BeforeAll
    void start(@TempDir Path keys) throws Exception {
        Path store = selfSigned(keys, "server", true);
        serverPem = keys.resolve("server.pem");
        ServerSetup setup = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP);
        setup.setServerStartupTimeout(10_000);
        server = new GreenMail(setup);
        server.start();
        server.setUser(MAILBOX.toString(), MAILBOX.toString(), PASSWORD);
        tls = terminator(store);
        Path otherStore = selfSigned(keys, "mail.example.org", false);
        otherHostPem = keys.resolve("mail.example.org.pem");
        otherHost = terminator(otherStore);
    }

    /** A TLS terminator on loopback presenting the certificate of {@code store}, in front of GreenMail's IMAP. */
    private ServerSocket terminator(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        ServerSocket tls = ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        int plainPort = server.getImap().getPort();
        pumps.execute(() -> {
            while (!tls.isClosed()) {
                try {
                    Socket client = tls.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), plainPort);
                    pumps.execute(() -> pump(client, upstream));
                    pumps.execute(() -> pump(upstream, client));
                } catch (IOException e) {
                    // closed
                }
            }
        });
        return tls;
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // the other side ended (or the handshake was refused)
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @AfterAll
    void stop() throws IOException {
        tls.close();
        otherHost.close();
        pumps.shutdownNow();
        server.stop();
    }

    private ImapEndpoint endpoint() {
        return new ImapEndpoint("127.0.0.1", tls.getLocalPort(), true, false, Duration.ofSeconds(5));
    }

    private static CredentialSource credentials() {
        return mailbox -> new MailboxCredentials.Password(mailbox.toString(), Secret.of(PASSWORD));
    }

    private static List<SourceFolder> folders(ImapEndpoint endpoint) {
        try (MailboxSource source = ImapSource.connector(endpoint, credentials(), CLOCK).open(MAILBOX)) {
            return source.folders();
        }
    }

    @Test
    void aSelfSignedServerIsRefusedByDefaultWithAClearPermanentError() {
        assertThatThrownBy(() -> folders(endpoint()))
                .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.isRetryable())
                        .as("a certificate failure is not retried").isFalse())
                .hasMessageContaining("TLS certificate is not trusted")
                .hasMessageContaining("bma.source.trustCertificate")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void itsOwnCertificateTrustedExplicitlyLetsItIn() throws Exception {
        Path pem = temp.resolve("greenmail.pem");
        writePem(serverCertificate(), pem);
        assertThat(Files.readString(pem)).as("the certificate the server presents is the one made for it")
                .isEqualTo(Files.readString(serverPem).replace("\r\n", "\n"));

        List<SourceFolder> folders = folders(endpoint().trusting(pem, "test"));

        assertThat(folders).extracting(SourceFolder::path).contains(FolderPath.inbox());
    }

    @Test
    void trustingAnotherCertificateStillRefusesIt() throws Exception {
        selfSigned(temp, "other", true);
        Path other = temp.resolve("other.pem");

        assertThatThrownBy(() -> folders(endpoint().trusting(other, "test")))
                .isInstanceOf(TransferException.class)
                .hasMessageContaining("TLS certificate is not trusted");
    }

    @Test
    void aTrustedCertificateForAnotherHostNameIsRefused() {
        // Trusted explicitly, but made for mail.example.org: reached as 127.0.0.1, the name does not match.
        ImapEndpoint endpoint = new ImapEndpoint("127.0.0.1", otherHost.getLocalPort(), true, false, Duration.ofSeconds(5))
                .trusting(otherHostPem, "bma.source.trustCertificate");

        assertThatThrownBy(() -> folders(endpoint))
                .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.isRetryable())
                        .as("a host name mismatch is not retried").isFalse())
                .hasMessageContaining("does not match its name")
                .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1")
                .hasMessageContaining("imaps://127.0.0.1:" + otherHost.getLocalPort())
                .hasMessageNotContaining(PASSWORD);
        assertThat(server.getReceivedMessages()).isEmpty();
    }

    @Test
    void plaintextToAnAddressThatIsNotLoopbackIsRefusedBeforeConnecting() {
        // 192.0.2.1 (TEST-NET-1, documentation only): the refusal comes before any packet is sent.
        ImapEndpoint byHand = new ImapEndpoint("192.0.2.1", 143, false, true, Duration.ofSeconds(1));

        assertThatThrownBy(() -> folders(byHand))
                .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.isRetryable()).isFalse())
                .hasMessage("Plaintext IMAP to imap://192.0.2.1:143 (192.0.2.1) is refused before connecting: it is not"
                        + " a loopback address and passwords would cross the network unencrypted; use imaps:// or"
                        + " imap:// (STARTTLS)");
        assertThat(ImapEndpoint.parse("imap://192.0.2.1", "bma.source.url").plaintext())
                .as("from a URL, STARTTLS is required off loopback").isFalse();
        assertThat(byHand.allowingPlaintext().plaintextOffLoopback()).as("the explicit opt-in stays possible").isTrue();
        ImapEndpoint.parse("imap://127.0.0.1:143", "x").refusePlaintextOffLoopback();
        ImapEndpoint.parse("imap://localhost:143", "x").refusePlaintextOffLoopback();
    }

    @Test
    void theTrustSettingIsReadFromPropertiesAndABadFileIsAClearError() throws Exception {
        Path pem = temp.resolve("greenmail.pem");
        writePem(serverCertificate(), pem);
        Map<String, String> props = Map.of(BmaProperties.SOURCE_URL, "imaps://127.0.0.1:" + tls.getLocalPort(),
                BmaProperties.TARGET_URL, "imaps://127.0.0.1:993", BmaProperties.SOURCE_TRUST_CERTIFICATE, pem.toString(),
                BmaProperties.SOURCE_CREDENTIALS, credentialsFile().toString(),
                BmaProperties.TARGET_CREDENTIALS, credentialsFile().toString());
        TransferSettings settings = TransferSettings.from(BmaSettingsReader.of(props), SecretResolver.none(), CLOCK).build();
        try (MailboxSource source = settings.source().open(MAILBOX)) {
            assertThat(source.folders()).isNotEmpty();
        }

        Path notACertificate = Files.writeString(temp.resolve("not-a-cert.pem"), "hello");
        Map<String, String> bad = new java.util.HashMap<>(props);
        bad.put(BmaProperties.SOURCE_TRUST_CERTIFICATE, notACertificate.toString());
        assertThatThrownBy(() -> TransferSettings.from(BmaSettingsReader.of(bad), SecretResolver.none(), CLOCK))
                .isInstanceOfSatisfying(BmaException.class, e -> assertThat(e.code()).isEqualTo(BmaErrorCode.INVALID_CONFIGURATION))
                .hasMessageContaining(BmaProperties.SOURCE_TRUST_CERTIFICATE)
                .hasMessageContaining("not-a-cert.pem");
    }

    private Path credentialsFile() throws Exception {
        Path f = temp.resolve("credentials.csv");
        Files.writeString(f, MAILBOX + ";" + PASSWORD + "\n");
        return Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    /** What ops would get with {@code openssl s_client -showcerts}: the certificate the server presents. */
    private X509Certificate serverCertificate() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", tls.getLocalPort())) {
            s.startHandshake();
            Certificate[] chain = s.getSession().getPeerCertificates();
            return (X509Certificate) chain[0];
        }
    }

    private static void writePem(Certificate c, Path file) throws Exception {
        String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(c.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        Files.writeString(file, pem);
    }

    /** A self-signed certificate made with the JDK's keytool: {@code name}.p12 (key) and {@code name}.pem. */
    private static Path selfSigned(Path dir, String name, boolean forLoopback) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path store = dir.resolve(name + ".p12");
        Path pem = dir.resolve(name + ".pem");
        List<String> gen = new java.util.ArrayList<>(List.of(keytool, "-genkeypair", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit", "-alias", name,
                "-dname", "CN=" + name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "30"));
        gen.addAll(List.of("-ext", forLoopback ? "SAN=ip:127.0.0.1,dns:localhost" : "SAN=dns:" + name));
        run(gen.toArray(String[]::new));
        run(keytool, "-exportcert", "-rfc", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-alias", name, "-file", pem.toString());
        return store;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
