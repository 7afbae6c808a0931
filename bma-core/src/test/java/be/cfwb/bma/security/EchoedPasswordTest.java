package be.cfwb.bma.security;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.transfer.LoginRefusedException;
import be.cfwb.bma.transfer.imap.ImapEndpoint;
import be.cfwb.bma.transfer.imap.ImapSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A server that quotes the LOGIN command back in its refusal (some do, in their error text):
 * the error the toolkit reports carries the server's words with the password masked.
 */
@Timeout(20)
class EchoedPasswordTest {

    private static final String PASSWORD = "Echo-s3cret-7731";

    @Test
    void aServerEchoingThePasswordInItsRefusalDoesNotPutItInTheError() throws Exception {
        AtomicBoolean echoed = new AtomicBoolean();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread fake = new Thread(() -> serve(server, echoed), "echoing-imap");
            fake.setDaemon(true);
            fake.start();
            BmaAddress a = BmaAddress.parse("ec001394@adm.cfwb.be");
            ImapEndpoint endpoint = ImapEndpoint.parse("imap://127.0.0.1:" + server.getLocalPort(), "echoing server");

            LoginRefusedException e = catchThrowableOfType(LoginRefusedException.class, () -> ImapSource.connector(endpoint,
                    m -> new MailboxCredentials.Password(m.toString(), Secret.of(PASSWORD)),
                    Clock.fixed(Instant.parse("2024-11-04T08:00:00Z"), ZoneOffset.UTC)).open(a));

            assertThat(echoed).as("the server did echo the password").isTrue();
            assertThat(e.getMessage()).contains("refused", "wrong password for", Secret.MASK, "check the credentials")
                    .doesNotContain(PASSWORD);
            assertThat(e.isShared()).isFalse();
        }
    }

    /** Greets, answers CAPABILITY, refuses LOGIN quoting its arguments, and says goodbye. */
    private static void serve(ServerSocket server, AtomicBoolean echoed) {
        try (Socket c = server.accept();
             BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
             OutputStream out = c.getOutputStream()) {
            send(out, "* OK [CAPABILITY IMAP4rev1] echoing server ready");
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.split(" ", 3);
                String command = words.length > 1 ? words[1].toUpperCase(java.util.Locale.ROOT) : "";
                switch (command) {
                    case "CAPABILITY" -> send(out, "* CAPABILITY IMAP4rev1\r\n" + words[0] + " OK done");
                    case "LOGIN" -> {
                        echoed.set(words[2].contains(PASSWORD));
                        send(out, words[0] + " NO [AUTHENTICATIONFAILED] wrong password for " + words[2]);
                    }
                    case "LOGOUT" -> {
                        send(out, "* BYE\r\n" + words[0] + " OK bye");
                        return;
                    }
                    default -> send(out, words[0] + " BAD unknown");
                }
            }
        } catch (Exception e) {
            // the client went away: the test has what it needs
        }
    }

    private static void send(OutputStream out, String lines) throws java.io.IOException {
        out.write((lines + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
