package be.cfwb.bma.demo;

import be.cfwb.bma.EventTypes;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEvent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's main job, small: the demo in a child JVM, killed in the middle, then run
 * again to the end against the same servers. Nothing is sent or copied twice.
 */
class DemoTest {

    private static final int MAILBOXES = 4;

    @TempDir
    Path dir;

    @AfterEach
    void stopServers() throws IOException {
        Files.writeString(dir.resolve("state").resolve(DemoServers.STOP), "test over");
    }

    @Test
    void aKilledDemoFinishesOnRerunWithNothingSentOrCopiedTwice() throws Exception {
        Path state = dir.resolve("state");
        Path output = dir.resolve("out");

        Process first = demo(state, output, "first.log");
        // Kill it once it has sent some mails and copied some mailboxes, but not everything.
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (first.isAlive() && Instant.now().isBefore(deadline) && countLines(state, "\"type\":\"transfer.pass.done\"") < 1) {
            Thread.sleep(100);
        }
        assertThat(first.isAlive()).as("the first run must still be running when killed").isTrue();
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        Process second = demo(state, output, "second.log");
        assertThat(second.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(dir.resolve("second.log"), StandardCharsets.UTF_8);
        assertThat(second.exitValue()).as(log).isZero();
        assertThat(log).contains("continuing with the servers of the previous run")
                .contains("verified: " + MAILBOXES + " mailboxes, 0 missing");

        try (Ledger ledger = Ledger.open(state.resolve("ledger"))) {
            List<LedgerEvent> sent = ledger.events(e -> e.type().equals(EventTypes.MAIL_SENT));
            Map<String, Long> perMail = sent.stream().collect(Collectors.groupingBy(
                    e -> e.mailbox().orElseThrow() + "#" + e.get("mail").orElseThrow(), Collectors.counting()));
            assertThat(perMail).hasSize(MAILBOXES * 4);
            assertThat(perMail.values()).as("each mail recorded once").allMatch(n -> n == 1);
            // At most the one mail in flight at the kill may have left twice, and it is flagged.
            assertThat(sent.stream().filter(e -> e.get("possible_duplicate").isPresent()).count()).isLessThanOrEqualTo(1);
            assertThat(ledger.events(e -> e.type().equals(EventTypes.VERIFY_PASSED))).hasSize(MAILBOXES);
        }
    }

    @Test
    void theDemoRunsToTheEndWithTheGraphTarget() throws Exception {
        Path state = dir.resolve("state");
        java.util.List<String> out = new java.util.concurrent.CopyOnWriteArrayList<>();
        DemoResult result = new Demo(state, dir.resolve("out"), 3, out::add, be.cfwb.bma.lifecycle.RunListener.NONE)
                .target("graph").run();

        assertThat(result.isSuccess()).as(String.join("\n", out)).isTrue();
        assertThat(result.summaryLine()).contains("verified: 3 mailboxes, 0 missing");
        assertThat(out).anyMatch(l -> l.contains("3 mailboxes to Microsoft Graph (stand-in)"));
        try (Ledger ledger = Ledger.open(state.resolve("ledger-graph"))) {
            assertThat(ledger.events(e -> e.type().equals(EventTypes.VERIFY_PASSED))).hasSize(3);
        }
        assertThat(state.resolve("ledger")).as("the IMAP demo's ledger is left alone").doesNotExist();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Demo(state, dir, 3, out::add,
                be.cfwb.bma.lifecycle.RunListener.NONE).target("exchange")).hasMessageContaining("bma.target");
    }

    private Process demo(Path state, Path output, String log) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Demo.class.getName(), state.toString(), output.toString(),
                Integer.toString(MAILBOXES))
                .redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
    }

    private static long countLines(Path state, String needle) throws IOException {
        Path journal = state.resolve("ledger").resolve(Ledger.JOURNAL);
        if (!Files.exists(journal)) {
            return 0;
        }
        try (var lines = Files.lines(journal, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(needle)).count();
        }
    }
}
