package be.cfwb.bma.notify;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.calendar.PlanningSettings;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SMTP adapter against GreenMail (auth, TLS) and a scripted server (4xx, broken connections). */
class SmtpNotifierTest {

    @RegisterExtension
    static final GreenMailExtension GREENMAIL = new GreenMailExtension(ServerSetup.dynamicPort(
            ServerSetup.createCopy(new ServerSetup[] {ServerSetupTest.SMTP, ServerSetupTest.SMTPS}, SmtpNotifierTest::loopback)))
            .withPerMethodLifecycle(true);

    /** On 127.0.0.1, with the start-up time GreenMailFixture gives: SMTPS missed GreenMail's 2 s on a busy machine. */
    private static ServerSetup loopback(ServerSetup setup) {
        ServerSetup copy = setup.createCopy("127.0.0.1");
        copy.setServerStartupTimeout(10_000);
        return copy;
    }

    static final BmaAddress TO = BmaAddress.parse("ec001394@adm.cfwb.be");

    static OutgoingMail mail() {
        return new OutgoingMail(NotificationKind.MAIL1, TO, SenderIdentity.defaultFor(SenderRole.SGNE),
                "Migration de votre boîte", "Bonjour", "<p>Bonjour</p>", "bma.mail1.ec001394.v1@adm.cfwb.be",
                ZonedDateTime.of(2024, 10, 14, 9, 0, 0, 0, PlanningSettings.ZONE));
    }

    static SmtpSettings authenticated(int port, String password) {
        return new SmtpSettings("127.0.0.1", port, SmtpSettings.Security.NONE, Optional.of("migrationBMA@cfwb.be"),
                Optional.of(Secret.of(password)), Duration.ofSeconds(5), Optional.empty(), false);
    }

    @Test
    void authenticatesAndSends() throws Exception {
        GREENMAIL.setUser("migrationBMA@cfwb.be", "migrationBMA@cfwb.be", "s3cret-Pw");
        try (SmtpNotifier notifier = new SmtpNotifier(authenticated(GREENMAIL.getSmtp().getPort(), "s3cret-Pw"))) {
            notifier.send(mail());
            notifier.send(mail());
        }
        assertThat(GREENMAIL.getReceivedMessages()).hasSize(2);
        assertThat(GREENMAIL.getReceivedMessages()[0].getMessageID()).isEqualTo("<bma.mail1.ec001394.v1@adm.cfwb.be>");
    }

    @Test
    void refusedCredentialsAreAConnectionFailureThatNeverShowsThePassword() {
        GREENMAIL.setUser("migrationBMA@cfwb.be", "migrationBMA@cfwb.be", "s3cret-Pw");
        SmtpNotifier notifier = new SmtpNotifier(authenticated(GREENMAIL.getSmtp().getPort(), "wrong-Pw-123"));
        assertThatThrownBy(() -> notifier.send(mail())).isInstanceOf(BmaException.class)
                .hasMessageContaining("refused the credentials of migrationBMA@cfwb.be")
                .hasMessageNotContaining("wrong-Pw-123")
                .extracting(e -> ((BmaException) e).code()).isEqualTo(BmaErrorCode.CONNECTION_FAILED);
        assertThat(notifier.description()).doesNotContain("wrong-Pw-123");
        assertThat(authenticated(1, "wrong-Pw-123").toString()).doesNotContain("wrong-Pw-123");
        assertThat(GREENMAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void tlsChecksTheServerCertificate() {
        // GreenMail's certificate is self-signed: a TLS client that checks certificates must refuse it.
        SmtpSettings tls = new SmtpSettings("127.0.0.1", GREENMAIL.getSmtps().getPort(), SmtpSettings.Security.TLS,
                Optional.empty(), Optional.empty(), Duration.ofSeconds(5), Optional.empty(), false);
        SmtpNotifier notifier = new SmtpNotifier(tls);
        assertThatThrownBy(() -> notifier.send(mail())).isInstanceOf(BmaException.class)
                .hasMessageContaining("Cannot connect")
                .extracting(e -> ((BmaException) e).code()).isEqualTo(BmaErrorCode.CONNECTION_FAILED);
        assertThat(GREENMAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void plaintextToARemoteHostNeedsAnExplicitOptIn() {
        assertThatThrownBy(() -> new SmtpSettings("smtp.example.org", 25, SmtpSettings.Security.NONE, Optional.empty(),
                Optional.empty(), null, Optional.empty(), false)).hasMessageContaining("without TLS");
        assertThat(new SmtpSettings("smtp.example.org", 25, SmtpSettings.Security.NONE, Optional.empty(),
                Optional.empty(), null, Optional.empty(), true).security()).isEqualTo(SmtpSettings.Security.NONE);
        assertThatThrownBy(() -> new SmtpSettings("smtp.example.org", 587, SmtpSettings.Security.STARTTLS,
                Optional.of("user"), Optional.empty(), null, Optional.empty(), false)).hasMessageContaining("no password");
    }

    @Test
    void temporaryRefusalIsWaitedOutWithTheSleeper() throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp("451 4.7.0 Temporary server error, try again later", "250 2.0.0 OK")) {
            List<Duration> waits = new ArrayList<>();
            try (SmtpNotifier notifier = new SmtpNotifier(SmtpSettings.loopback(server.port()), waits::add)) {
                notifier.send(mail());
            }
            assertThat(waits).containsExactly(SmtpNotifier.FIRST_BACKOFF);
            assertThat(server.dataReceived).hasSize(2);
        }
    }

    @Test
    void permanentRefusalIsAFailure() throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp("554 5.7.1 Message rejected")) {
            SmtpNotifier notifier = new SmtpNotifier(SmtpSettings.loopback(server.port()), d -> { });
            assertThatThrownBy(() -> notifier.send(mail())).hasMessageContaining("554")
                    .extracting(e -> ((BmaException) e).code()).isEqualTo(BmaErrorCode.NOTIFICATION_FAILED);
        }
    }

    @Test
    void aConnectionLostAfterTheDataIsUncertain() throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp(ScriptedSmtp.HANG_UP)) {
            SmtpNotifier notifier = new SmtpNotifier(SmtpSettings.loopback(server.port()), d -> { });
            assertThatThrownBy(() -> notifier.send(mail())).hasMessageContaining("may have")
                    .extracting(e -> ((BmaException) e).code()).isEqualTo(BmaErrorCode.NOTIFICATION_UNCERTAIN);
            assertThat(server.dataReceived).hasSize(1);
        }
    }

    static javax.net.ssl.SSLContext loopbackTls(boolean withKey) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = SmtpNotifierTest.class.getResourceAsStream("/tls/loopback.p12")) {
            store.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        if (withKey) {
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, "changeit".toCharArray());
            context.init(kmf.getKeyManagers(), null, null);
        } else {
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            context.init(null, tmf.getTrustManagers(), null);
        }
        return context;
    }

    static SmtpSettings startTls(int port, String host) throws Exception {
        return new SmtpSettings(host, port, SmtpSettings.Security.STARTTLS, Optional.of("migrationBMA@cfwb.be"),
                Optional.of(Secret.of("Tls-Pw-42")), Duration.ofSeconds(5), Optional.empty(), false)
                .withSslContext(loopbackTls(false));
    }

    @Test
    void startTlsUpgradesBeforeAuthenticating() throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp().withStartTls(loopbackTls(true))) {
            try (SmtpNotifier notifier = new SmtpNotifier(startTls(server.port(), "127.0.0.1"))) {
                notifier.send(mail());
            }
            assertThat(server.auth).containsExactly("tls:migrationBMA@cfwb.be|migrationBMA@cfwb.be|Tls-Pw-42");
            assertThat(server.dataReceived).singleElement().asString().contains("Message-ID: <bma.mail1.ec001394.v1@adm.cfwb.be>");
        }
    }

    @Test
    void startTlsIsRequiredNotOpportunistic() throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp()) {
            SmtpNotifier notifier = new SmtpNotifier(startTls(server.port(), "127.0.0.1"));
            assertThatThrownBy(() -> notifier.send(mail())).isInstanceOf(BmaException.class)
                    .extracting(e -> ((BmaException) e).code()).isEqualTo(BmaErrorCode.CONNECTION_FAILED);
            assertThat(server.auth).isEmpty();
            assertThat(server.dataReceived).isEmpty();
        }
    }

    @Test
    void startTlsChecksTheHostName() throws Exception {
        // The certificate names 127.0.0.1 and localhost; reached under another name, it must be refused.
        String otherName = InetAddress.getLoopbackAddress().getHostAddress().equals("127.0.0.1") ? "127.0.0.2" : null;
        be.cfwb.bma.testing.RequiredServers.assume(otherName != null,
                () -> "the loopback address is not 127.0.0.1: no second loopback name to reach the server by");
        try (ScriptedSmtp server = new ScriptedSmtp().withStartTls(loopbackTls(true))) {
            SmtpNotifier notifier = new SmtpNotifier(startTls(server.port(), otherName));
            assertThatThrownBy(() -> notifier.send(mail())).isInstanceOf(BmaException.class)
                    .extracting(e -> ((BmaException) e).code()).isEqualTo(BmaErrorCode.CONNECTION_FAILED);
            assertThat(server.auth).isEmpty();
        }
    }

    /**
     * A minimal SMTP server that answers each DATA with the next scripted reply; {@link #HANG_UP}
     * closes the connection instead of replying, as a server or network dying at the worst moment.
     */
    static final class ScriptedSmtp implements AutoCloseable {
        static final String HANG_UP = "<hang up>";
        final List<String> dataReceived = new CopyOnWriteArrayList<>();
        /** Each AUTH line, decoded, and whether it came over TLS. */
        final List<String> auth = new CopyOnWriteArrayList<>();
        private final ServerSocket socket;
        private final List<String> replies;
        private final Thread thread;
        private javax.net.ssl.SSLContext tls;

        ScriptedSmtp withStartTls(javax.net.ssl.SSLContext context) {
            this.tls = context;
            return this;
        }

        ScriptedSmtp(String... replies) throws IOException {
            this.socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            this.replies = new CopyOnWriteArrayList<>(List.of(replies));
            this.thread = new Thread(this::serve, "scripted-smtp");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    session(client);
                } catch (IOException e) {
                    return;
                }
            }
        }

        private boolean session(Socket client) throws IOException {
            write(client.getOutputStream(), "220 scripted ESMTP");
            return commands(client, false);
        }

        private boolean commands(Socket client, boolean secure) throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = client.getOutputStream();
            String line;
            while ((line = in.readLine()) != null) {
                String cmd = line.toUpperCase(java.util.Locale.ROOT);
                if (cmd.startsWith("EHLO")) {
                    write(out, "250-scripted\r\n" + (tls != null && !secure ? "250-STARTTLS\r\n" : "")
                            + "250-AUTH PLAIN\r\n250 8BITMIME");
                } else if (cmd.startsWith("STARTTLS") && tls != null && !secure) {
                    write(out, "220 2.0.0 ready for TLS");
                    javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
                            .createSocket(client, "127.0.0.1", client.getPort(), false);
                    ssl.setUseClientMode(false);
                    ssl.startHandshake();
                    return commands(ssl, true);
                } else if (cmd.startsWith("AUTH PLAIN")) {
                    String arg = line.substring("AUTH PLAIN".length()).strip();
                    if (arg.isEmpty()) {
                        write(out, "334 ");
                        arg = in.readLine();
                    }
                    String decoded = new String(java.util.Base64.getDecoder().decode(arg), StandardCharsets.UTF_8);
                    auth.add((secure ? "tls:" : "plain:") + decoded.replace('\0', '|'));
                    write(out, "235 2.7.0 Authentication successful");
                } else if (cmd.startsWith("DATA")) {
                    write(out, "354 go ahead");
                    StringBuilder data = new StringBuilder();
                    for (String l = in.readLine(); !l.equals("."); l = in.readLine()) {
                        data.append(l).append('\n');
                    }
                    dataReceived.add(data.toString());
                    String reply = replies.isEmpty() ? "250 OK" : replies.remove(0);
                    if (reply.equals(HANG_UP)) {
                        return true;
                    }
                    write(out, reply);
                } else if (cmd.startsWith("QUIT")) {
                    write(out, "221 bye");
                    return true;
                } else if (cmd.startsWith("RSET") || cmd.startsWith("NOOP") || cmd.startsWith("MAIL")
                        || cmd.startsWith("RCPT")) {
                    write(out, "250 OK");
                } else {
                    write(out, "502 not implemented");
                }
            }
            return true;
        }

        private static void write(OutputStream out, String reply) throws IOException {
            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
