package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.transfer.LoginRefusedException;
import be.cfwb.bma.transfer.MailboxSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The PLAIN login on the AUTHENTICATE line itself (SASL-IR) against a scripted server that
 * records every line it is sent: one round trip where offered, Angus's two elsewhere, the
 * master login's authorization identity kept, and the line never in an error.
 */
@Timeout(20)
class OneTripPlainLoginTest {

    private static final String PASSWORD = "Pl4in-s3cret-0042";
    private static final BmaAddress MAILBOX = BmaAddress.parse("ec001394@adm.cfwb.be");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T08:00:00Z"), ZoneOffset.UTC);

    /** A server with the capabilities given; it accepts or refuses (quoting the line) every login. */
    private static final class ScriptedServer implements AutoCloseable {
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final String capabilities;
        private final boolean accepts;
        private final Thread serving;

        ScriptedServer(String capabilities, boolean accepts) throws IOException {
            this.capabilities = capabilities;
            this.accepts = accepts;
            serving = new Thread(this::serve, "scripted-imap");
            serving.setDaemon(true);
            serving.start();
        }

        ImapEndpoint endpoint() {
            return ImapEndpoint.parse("imap://127.0.0.1:" + socket.getLocalPort(), "scripted server");
        }

        /**
         * The words of each command line (the tag dropped), once the conversation is over: the
         * client does not wait for the answer to its LOGOUT, so it may be done before this read it.
         */
        List<String> commands() throws InterruptedException {
            serving.join(10_000);
            return lines.stream().map(l -> l.contains(" ") ? l.substring(l.indexOf(' ') + 1) : l).toList();
        }

        private void serve() {
            try (Socket c = socket.accept();
                 BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
                 OutputStream out = c.getOutputStream()) {
                send(out, "* OK [CAPABILITY " + capabilities + "] scripted server ready");
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                    String[] words = line.split(" ", 4);
                    String tag = words[0];
                    String command = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
                    switch (command) {
                        case "CAPABILITY" -> send(out, "* CAPABILITY " + capabilities + "\r\n" + tag + " OK done");
                        case "AUTHENTICATE" -> {
                            String response = words.length > 3 ? words[3] : null;
                            if (response == null) {
                                send(out, "+ ");
                                response = in.readLine();
                                lines.add(response);
                            }
                            send(out, accepts ? tag + " OK [CAPABILITY " + capabilities + " LIST-STATUS] Logged in"
                                    : tag + " NO [AUTHENTICATIONFAILED] refused: " + line);
                        }
                        case "LOGOUT" -> {
                            send(out, "* BYE\r\n" + tag + " OK bye");
                            return;
                        }
                        default -> send(out, tag + " BAD unknown");
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        private static void send(OutputStream out, String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String decoded(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    private static CredentialSource master() {
        return m -> new MailboxCredentials.Master("bma-admin", Secret.of(PASSWORD), m.toString(),
                "admin login 'bma-admin' (settings.xml server bma-source)");
    }

    @Test
    void aMasterLoginWhereSaslIrIsOfferedIsOneLineAndItsAnswerIsTheLastWordBeforeWork() throws Exception {
        try (ScriptedServer server = new ScriptedServer("IMAP4rev1 SASL-IR AUTH=PLAIN", true)) {
            try (MailboxSource source = ImapSource.connector(server.endpoint(), master(), CLOCK).open(MAILBOX)) {
                assertThat(source.mailbox()).isEqualTo(MAILBOX);
            }

            assertThat(server.commands()).as("no continuation line, no CAPABILITY after the login")
                    .hasSize(2).last().isEqualTo("LOGOUT");
            String[] words = server.commands().get(0).split(" ");
            assertThat(words).hasSize(3).startsWith("AUTHENTICATE", "PLAIN");
            assertThat(decoded(words[2])).isEqualTo(MAILBOX + "\0bma-admin\0" + PASSWORD);
        }
    }

    @Test
    void aPasswordLoginWithoutSaslIrTakesAngusTwoSteps() throws Exception {
        try (ScriptedServer server = new ScriptedServer("IMAP4rev1 AUTH=PLAIN", true)) {
            CredentialSource own = m -> new MailboxCredentials.Password(m.toString(), Secret.of(PASSWORD));
            ImapSource.connector(server.endpoint(), own, CLOCK).open(MAILBOX).close();

            assertThat(server.commands().get(0)).isEqualTo("AUTHENTICATE PLAIN");
            assertThat(decoded(server.lines.get(1))).isEqualTo("\0" + MAILBOX + "\0" + PASSWORD);
        }
    }

    @Test
    void aRefusalQuotingTheLoginLineKeepsThePasswordAndItsEncodingOutOfTheError() throws Exception {
        try (ScriptedServer server = new ScriptedServer("IMAP4rev1 SASL-IR AUTH=PLAIN", false)) {
            LoginRefusedException e = catchThrowableOfType(LoginRefusedException.class,
                    () -> ImapSource.connector(server.endpoint(), master(), CLOCK).open(MAILBOX));

            String line = server.lines.get(0);
            String encoded = line.substring(line.lastIndexOf(' ') + 1);
            assertThat(decoded(encoded)).endsWith(PASSWORD);
            assertThat(e.getMessage()).contains("refused", "AUTHENTICATE PLAIN " + Secret.MASK, "check the credentials")
                    .doesNotContain(encoded).doesNotContain(PASSWORD);
            assertThat(e.isShared()).isTrue();
        }
    }
}
