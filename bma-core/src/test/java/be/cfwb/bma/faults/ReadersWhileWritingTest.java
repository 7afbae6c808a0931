package be.cfwb.bma.faults;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.MailboxStatus;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.StatusResult;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.transfer.FolderPath;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Ops watch a day while it runs: with a migration running in another JVM (holding the ledger's
 * writer lock, stopped in the middle of an APPEND by {@link KilledMigrationChild}), status and
 * the report answer at once from what the ledger recorded, and change nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadersWhileWritingTest {

    private GreenMailFixture oldServer;
    private GreenMailFixture newServer;
    private FaultHarness h;
    @TempDir
    Path temp;

    @BeforeAll
    void start() {
        oldServer = GreenMailFixture.start();
        newServer = GreenMailFixture.start();
        h = new FaultHarness(oldServer, newServer);
    }

    @AfterAll
    void stop() {
        oldServer.close();
        newServer.close();
    }

    @Test
    void statusAndReportAnswerWhileAMigrationRunsInAnotherProcess() throws Exception {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < 6; i++) {
                s.append(FolderPath.inbox(), TestMessage.builder().subject("m" + i).messageId("r" + i + "@x")
                        .attachment(8_000, i).build(), flags(), Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
        }
        Path ledgerDir = temp.resolve("ledger");
        try (Ledger ledger = Ledger.open(ledgerDir, FaultHarness.CLOCK)) {
            ledger.append(LedgerEntry.of(new Event.MailSent(1, 1, "m1@x", "SGNE", Optional.of("2024-11-04"),
                    Optional.of("2024-11-05"), "v1", false, false)).mailbox(a));
            ledger.append(LedgerEntry.of(new Event.MailboxProvisioned()).mailbox(a));
        }
        Bma bma = Bma.configure().inventory(Inventory.of(List.of(Mailbox.of(a, "École du test"))))
                .ledgerDirectory(ledgerDir).outputDirectory(temp.resolve("out")).clock(FaultHarness.CLOCK).load();
        byte[] before = Files.readAllBytes(ledgerDir.resolve(Ledger.JOURNAL));

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), KilledMigrationChild.class.getName(),
                Integer.toString(oldServer.imapPort()), Integer.toString(newServer.imapPort()), ledgerDir.toString(),
                temp.resolve("spool").toString(), "append", a.toString())
                .redirectErrorStream(true).start();
        try {
            List<String> output = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null && !line.equals("AT append")) {
                    output.add(line);
                }
                assertThat(line).as("the migration reached the middle of a copy: %s", output).isEqualTo("AT append");
            }
            assertThatThrownBy(() -> Ledger.open(ledgerDir, FaultHarness.CLOCK)).as("the migration holds the writer lock")
                    .isInstanceOfSatisfying(BmaException.class, e -> assertThat(e.code()).isEqualTo(BmaErrorCode.LEDGER_UNAVAILABLE))
                    .hasMessageContaining("in use by another process");

            Instant t0 = Instant.now();
            StatusResult status = bma.status(MailboxSelection.all());
            Path report = bma.report(MailboxSelection.all());
            assertThat(Duration.between(t0, Instant.now())).as("answered without waiting for the writer")
                    .isLessThan(Duration.ofSeconds(20));

            MailboxStatus row = status.mailboxes().get(0);
            assertThat(row.step()).isEqualTo(MailboxStep.PROVISIONED);
            assertThat(row.history()).hasSize(2);
            assertThat(Files.readString(report.resolveSibling("report.csv"))).contains(a.toString());
            assertThat(child.isAlive()).as("the migration was still running").isTrue();
        } finally {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(Files.readAllBytes(ledgerDir.resolve(Ledger.JOURNAL))).as("readers wrote nothing").startsWith(before);
    }
}
