package be.cfwb.bma.testing;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

class AppendDateRelayTest {

    private static final BmaAddress MAILBOX = BmaAddress.parse("ec001394@adm.cfwb.be");
    /** 12:30 where the client writes its dates: the JVM's zone, as Angus does. */
    private static final Instant HALF_PAST_NOON =
            LocalDateTime.of(2024, 10, 2, 12, 30, 15).atZone(ZoneId.systemDefault()).toInstant();

    private GreenMailFixture server;

    @BeforeEach
    void start() {
        server = GreenMailFixture.start();
        server.createUser(MAILBOX, "pw");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anAppendAtHalfPastNoonKeepsItsDateThroughTheRelay() {
        byte[] raw = message();
        try (MailboxSeeder seeder = MailboxSeeder.connect(server.imapEndpoint(), MAILBOX.toString(), "pw")) {
            seeder.append(FolderPath.inbox(), raw, MailboxSeeder.flags("\\Seen"), HALF_PAST_NOON);
        }
        try (MailboxInspector inbox = MailboxInspector.connect(server.imapEndpoint(), MAILBOX.toString(), "pw")) {
            MailboxInspector.StoredMessage stored = inbox.messages(FolderPath.inbox()).get(0);
            assertThat(stored.internalDate()).isEqualTo(HALF_PAST_NOON);
            // The date-time inside the message is part of a literal: never rewritten.
            assertThat(inbox.raw(FolderPath.inbox(), stored.uid())).isEqualTo(raw);
        }
    }

    /** Why the relay exists: if this fails, GreenMail reads APPEND dates right and the relay can go. */
    @Test
    void greenMailAloneStoresAnAppendAtHalfPastNoonTwelveHoursEarly() {
        ImapEndpoint direct = ImapEndpoint.parse("imap://127.0.0.1:" + server.greenMail().getImap().getPort(), "GreenMail");
        try (MailboxSeeder seeder = MailboxSeeder.connect(direct, MAILBOX.toString(), "pw")) {
            seeder.append(FolderPath.inbox(), message(), MailboxSeeder.flags(), HALF_PAST_NOON);
        }
        try (MailboxInspector inbox = MailboxInspector.connect(direct, MAILBOX.toString(), "pw")) {
            assertThat(inbox.messages(FolderPath.inbox()).get(0).internalDate())
                    .isEqualTo(HALF_PAST_NOON.minus(12, ChronoUnit.HOURS));
        }
    }

    @Test
    void rewritesOnlyDateTimesAtHourTwelveKeepingTheInstant() {
        assertThat(AppendDateRelay.rewrite("A3 APPEND INBOX (\\Seen) \"27-Nov-2026 12:07:37 +0000\" {12}\r\n"))
                .isEqualTo("A3 APPEND INBOX (\\Seen) \"27-Nov-2026 13:07:37 +0100\" {12}\r\n");
        assertThat(AppendDateRelay.rewrite(" \"31-Dec-2026 12:59:59 -0230\" {5+}\r\n"))
                .isEqualTo(" \"31-Dec-2026 13:59:59 -0130\" {5+}\r\n");
        assertThat(AppendDateRelay.rewrite("A4 APPEND INBOX \" 2-Oct-2024 12:00:00 +0200\" {3}\r\n"))
                .isEqualTo("A4 APPEND INBOX \"02-Oct-2024 13:00:00 +0300\" {3}\r\n");
        // +14:00 is the easternmost offset: one hour west instead.
        assertThat(AppendDateRelay.rewrite("A5 APPEND INBOX \"01-Jan-2025 12:10:00 +1400\" {3}\r\n"))
                .isEqualTo("A5 APPEND INBOX \"01-Jan-2025 11:10:00 +1300\" {3}\r\n");
        for (String untouched : new String[] {"A6 APPEND INBOX \"27-Nov-2026 00:07:37 +0000\" {12}\r\n",
            "A7 APPEND INBOX \"27-Nov-2026 23:07:37 +0100\" {12}\r\n", "A8 APPEND \"12:00\" {1}\r\n",
            "A9 APPEND INBOX {12}\r\n"}) {
            assertThat(AppendDateRelay.rewrite(untouched)).isEqualTo(untouched);
        }
    }

    private static byte[] message() {
        return ("From: a@example.org\r\nTo: ec001394@adm.cfwb.be\r\nSubject: noon\r\n"
                + "X-Note: \"02-Oct-2024 12:30:15 +0000\"\r\n\r\nLunch at \"02-Oct-2024 12:30:15 +0200\".\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
