package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.transfer.FolderPath;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The throttling proxy itself, spoken to by hand: a throttled command with a synchronising
 * literal is answered NO instead of {@code +} (the client sends no literal), the literals of a
 * throttled LITERAL+ command (several, as MULTIAPPEND sends) are read and dropped, and the
 * conversation stays in step afterwards; what it lets through reaches the server unchanged.
 */
@Timeout(30)
class ThrottlingImapProxyTest {

    @Test
    void throttlesCommandsWithLiteralsAndStaysInStep() throws Exception {
        try (GreenMailFixture server = GreenMailFixture.start();
             ThrottlingImapProxy proxy = ThrottlingImapProxy.to(server.imapEndpoint().port())) {
            BmaAddress a = BmaAddress.of(BmaKind.EC, 9901);
            server.createUser(a, "secret-9901");
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                s.setSoTimeout(5_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = s.getOutputStream();
                assertThat(in.readLine()).startsWith("* OK");
                send(out, "a1 LOGIN \"" + a + "\" \"secret-9901\"\r\n");
                assertThat(untilTagged(in, "a1")).startsWith("a1 OK");

                proxy.storm(ThrottlingImapProxy.Storm.of(3, Duration.ofMillis(40), "APPEND"));
                // synchronising literal: NO comes instead of "+", and no literal is sent
                send(out, "a2 APPEND INBOX {6}\r\n");
                assertThat(in.readLine()).isEqualTo("a2 NO [THROTTLED] Request is throttled. Suggested Backoff Time: 40 milliseconds");
                // LITERAL+: the bytes follow at once and are dropped with the command
                send(out, "a3 APPEND INBOX {6+}\r\nA: b\r\n\r\n");
                assertThat(in.readLine()).startsWith("a3 NO [THROTTLED]");
                // MULTIAPPEND with two LITERAL+ messages
                send(out, "a4 APPEND INBOX {6+}\r\nA: c\r\n {6+}\r\nA: d\r\n\r\n");
                assertThat(in.readLine()).startsWith("a4 NO [THROTTLED]");
                assertThat(proxy.literalBytesDropped()).isEqualTo(18);

                // the storm is spent: both kinds of literal pass through to the server
                send(out, "a5 APPEND INBOX {6}\r\n");
                assertThat(in.readLine()).startsWith("+");
                send(out, "A: e\r\n\r\n");
                assertThat(untilTagged(in, "a5")).startsWith("a5 OK");
                send(out, "a6 APPEND INBOX {6+}\r\nA: f\r\n\r\n");
                assertThat(untilTagged(in, "a6")).startsWith("a6 OK");
                send(out, "a7 NOOP\r\n");
                assertThat(untilTagged(in, "a7")).startsWith("a7 OK");
                send(out, "a8 LOGOUT\r\n");
            }
            assertThat(proxy.throttled()).isEqualTo(3);
            assertThat(proxy.forwarded("APPEND")).isEqualTo(2);
            assertThat(proxy.trace()).anyMatch(l -> l.contains("a1 LOGIN (credentials not traced)"))
                    .noneMatch(l -> l.contains("secret-9901"));
            try (MailboxInspector box = server.inspector(a, "secret-9901")) {
                assertThat(box.messages(FolderPath.inbox())).hasSize(2);
            }
        }
    }

    private static void send(OutputStream out, String text) throws Exception {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String untilTagged(BufferedReader in, String tag) throws Exception {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith(tag + " ")) {
                return line;
            }
        }
        return "(end of stream)";
    }
}
