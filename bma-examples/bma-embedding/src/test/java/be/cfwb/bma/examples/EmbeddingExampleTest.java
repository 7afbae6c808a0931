package be.cfwb.bma.examples;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.SampleMailboxes;
import be.cfwb.bma.transfer.FolderPath;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the example as a user would, against two in-process servers, so that it cannot go stale. */
class EmbeddingExampleTest {

    private static final List<BmaAddress> MAILBOXES =
            List.of(BmaAddress.parse("ec001394@adm.cfwb.be"), BmaAddress.parse("po000478@adm.cfwb.be"));
    private static final String PASSWORD = "pw;with-semicolon";
    private static final int MESSAGES = 8;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-09-16T06:00:00Z"), ZoneId.of("Europe/Brussels"));

    @TempDir
    Path dir;
    private GreenMailFixture oldServer;
    private GreenMailFixture newServer;

    @BeforeEach
    void startServers() {
        oldServer = GreenMailFixture.start();
        newServer = GreenMailFixture.start();
        for (BmaAddress a : MAILBOXES) {
            oldServer.createUser(a, PASSWORD);
            newServer.createUser(a, PASSWORD);
            try (MailboxSeeder seeder = oldServer.seeder(a, PASSWORD)) {
                SampleMailboxes.seed(seeder, a, MESSAGES);
            }
        }
    }

    @AfterEach
    void stopServers() {
        oldServer.close();
        newServer.close();
    }

    private Path passwords(String name, String password) throws IOException {
        StringBuilder lines = new StringBuilder();
        MAILBOXES.forEach(a -> lines.append(a).append(';').append(password).append('\n'));
        // Owner-only: the toolkit refuses a passwords file others can read, as ssh does.
        return Files.setPosixFilePermissions(Files.writeString(dir.resolve(name), lines, StandardCharsets.UTF_8),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    private static int messages(GreenMailFixture server, BmaAddress mailbox) {
        try (MailboxInspector inspector = server.inspector(mailbox, PASSWORD)) {
            return inspector.folders().stream().mapToInt(f -> inspector.messages(f).size()).sum();
        }
    }

    @Test
    void plansCopiesAndVerifiesTheMailboxes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ok = EmbeddingExample.run(oldServer.imapEndpoint().toString(), passwords("old.csv", PASSWORD),
                newServer.imapEndpoint().toString(), passwords("new.csv", PASSWORD), "ec001394,po000478",
                dir.resolve("work"), CLOCK, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(ok).as(out).isTrue();
        assertThat(out).contains("planned  ec001394@adm.cfwb.be  migration 2024-11-", "Ecole primaire libre Saint-Donat",
                "planned  po000478@adm.cfwb.be  migration 2024-10-", "Wallonie-Bruxelles Enseignement",
                "copied   ec001394@adm.cfwb.be  8 of 8 messages", "copied   po000478@adm.cfwb.be  8 of 8 messages",
                "2 mailbox(es) verified, 0 with problems, 0 message(s) missing");
        assertThat(out).doesNotContain(PASSWORD);
        for (BmaAddress a : MAILBOXES) {
            assertThat(messages(newServer, a)).isEqualTo(MESSAGES);
        }
        try (MailboxInspector inspector = newServer.inspector(MAILBOXES.get(0), PASSWORD)) {
            assertThat(inspector.folders()).contains(FolderPath.of("Sent Items"));
        }
        assertThat(dir.resolve("work/reports/plan.csv")).isRegularFile();
        assertThat(dir.resolve("work/reports/verify-report.json")).isRegularFile();
    }

    @Test
    void aRefusedLoginIsReportedAndNothingIsWritten() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ok = EmbeddingExample.run(oldServer.imapEndpoint().toString(), passwords("old.csv", PASSWORD),
                newServer.imapEndpoint().toString(), passwords("new.csv", "wrong-password"), "ec001394",
                dir.resolve("work"), CLOCK, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(ok).isFalse();
        assertThat(out).contains("copied   ec001394@adm.cfwb.be  0 of ", "INCOMPLETE", "check the credentials")
                .doesNotContain("wrong-password");
        assertThat(messages(newServer, MAILBOXES.get(0))).isZero();
    }
}
