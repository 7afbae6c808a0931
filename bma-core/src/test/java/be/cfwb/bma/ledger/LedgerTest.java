package be.cfwb.bma.ledger;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LedgerTest {

    private static final BmaAddress EC = BmaAddress.of(BmaKind.EC, 1394);
    private static final BmaAddress PO = BmaAddress.of(BmaKind.PO, 1394);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T07:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void eventsSurviveReopeningAndAreReadableByAPerson() throws IOException {
        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            ledger.append(LedgerEntry.of("mail.sent").mailbox(EC).with("mail", 1).with("migration_date", "2024-11-18"));
            ledger.append(LedgerEntry.of("plan.published").with("mailboxes", 4064));
        }

        assertThat(Files.readAllLines(dir.resolve(Ledger.JOURNAL))).containsExactly(
                "{\"seq\":1,\"at\":\"2024-11-04T07:00:00Z\",\"type\":\"mail.sent\",\"mailbox\":\"ec001394@adm.cfwb.be\","
                        + "\"data\":{\"mail\":\"1\",\"migration_date\":\"2024-11-18\"}}",
                "{\"seq\":2,\"at\":\"2024-11-04T07:00:00Z\",\"type\":\"plan.published\",\"data\":{\"mailboxes\":\"4064\"}}");
        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            assertThat(ledger.events()).hasSize(2);
            assertThat(ledger.recovery()).isEmpty();
            LedgerEvent mail = ledger.latest(EC, "mail.sent").orElseThrow();
            assertThat(mail.get("migration_date")).contains("2024-11-18");
            assertThat(ledger.append(LedgerEntry.of("x")).sequence()).isEqualTo(3);
        }
    }

    @Test
    void historyIsPerMailboxAndNeverConfusesKinds() {
        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            ledger.append(LedgerEntry.of("mail.sent").mailbox(EC).with("mail", 1));
            ledger.append(LedgerEntry.of("mail.sent").mailbox(PO).with("mail", 1));
            ledger.append(LedgerEntry.of("mail.sent").mailbox(EC).with("mail", 2));

            assertThat(ledger.history(EC)).extracting(e -> e.get("mail").orElseThrow()).containsExactly("1", "2");
            assertThat(ledger.history(PO)).hasSize(1);
            assertThat(ledger.latest(PO, "mail.sent").orElseThrow().sequence()).isEqualTo(2);
        }
    }

    @Test
    void aTornLastLineIsSetAsideAndReported() throws IOException {
        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            ledger.append(LedgerEntry.of("mail.sent").mailbox(EC).with("mail", 1));
        }
        Files.writeString(dir.resolve(Ledger.JOURNAL), "{\"seq\":2,\"at\":\"2024-11-04T07:", StandardOpenOption.APPEND);

        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            assertThat(ledger.events()).hasSize(1);
            assertThat(ledger.recovery()).hasValueSatisfying(r -> assertThat(r)
                    .contains("last line (2) was torn").contains(Ledger.TORN));
            ledger.append(LedgerEntry.of("mail.sent").mailbox(EC).with("mail", 2));
        }
        assertThat(Files.readString(dir.resolve(Ledger.TORN))).contains("{\"seq\":2,\"at\":\"2024-11-04T07:");
        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            assertThat(ledger.recovery()).isEmpty();
            assertThat(ledger.events()).extracting(LedgerEvent::sequence).containsExactly(1L, 2L);
        }
    }

    @Test
    void aCompleteLastLineMissingOnlyItsNewlineIsKept() throws IOException {
        Files.writeString(dir.resolve(Ledger.JOURNAL),
                "{\"seq\":1,\"at\":\"2024-11-04T07:00:00Z\",\"type\":\"mail.sent\",\"data\":{}}");

        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            assertThat(ledger.events()).hasSize(1);
            ledger.append(LedgerEntry.of("next"));
        }
        assertThat(Files.readAllLines(dir.resolve(Ledger.JOURNAL))).hasSize(2);
    }

    @Test
    void corruptionBeforeTheLastLineRefusesToOpen() throws IOException {
        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            ledger.append(LedgerEntry.of("a"));
            ledger.append(LedgerEntry.of("b"));
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve(Ledger.JOURNAL)));
        lines.set(0, "not json");
        Files.write(dir.resolve(Ledger.JOURNAL), lines);

        assertThatThrownBy(() -> Ledger.open(dir, CLOCK))
                .isInstanceOfSatisfying(BmaException.class, e -> assertThat(e.code()).isEqualTo(BmaErrorCode.LEDGER_CORRUPT))
                .hasMessageContaining("line 1 is not a valid event");
        // The refusal released the lock: after repair it opens.
        lines.remove(0);
        Files.write(dir.resolve(Ledger.JOURNAL), lines);
        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            assertThat(ledger.events()).hasSize(1);
        }
    }

    @Test
    void concurrentWritersInOneProcessLoseNothing() throws Exception {
        int threads = 8;
        int perThread = 200;
        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        ledger.append(LedgerEntry.of("copy").mailbox(EC).with("thread", thread).with("i", i));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            assertThat(ledger.events()).hasSize(threads * perThread);
            assertThat(ledger.events()).extracting(LedgerEvent::sequence).doesNotHaveDuplicates();
            assertThat(ledger.events().stream().map(e -> e.get("thread").orElseThrow() + "/" + e.get("i").orElseThrow()))
                    .doesNotHaveDuplicates().hasSize(threads * perThread);
        }
    }

    @Test
    void aSecondOpenInTheSameProcessIsRefused() {
        try (Ledger first = Ledger.open(dir, CLOCK)) {
            assertThat(first).isNotNull();
            assertThatThrownBy(() -> Ledger.open(dir, CLOCK))
                    .isInstanceOfSatisfying(BmaException.class, e -> assertThat(e.code()).isEqualTo(BmaErrorCode.LEDGER_UNAVAILABLE))
                    .hasMessageContaining("already open in this process");
        }
    }

    @Test
    void aSecondProcessIsRefusedWithAClearMessage() throws Exception {
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LedgerLockHolder.class.getName(), dir.toString())
                // stderr apart: the JVM writes notices there ("Picked up JAVA_TOOL_OPTIONS: ...") before any output
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("open 0");

            assertThatThrownBy(() -> Ledger.open(dir, CLOCK))
                    .isInstanceOfSatisfying(BmaException.class, e -> assertThat(e.code()).isEqualTo(BmaErrorCode.LEDGER_UNAVAILABLE))
                    .hasMessageContaining("is in use by another process (pid " + holder.pid())
                    .hasMessageContaining("two runs on one ledger could send a mail twice");
        } finally {
            holder.getOutputStream().close();
            assertThat(holder.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            assertThat(ledger.events()).isEmpty();
        }
    }

    @Test
    void refusesToStoreASecret() throws IOException {
        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            assertThatThrownBy(() -> ledger.append(LedgerEntry.of("mail.sent").mailbox(EC).with("newPassword", "Xy7!abc")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("refused key 'newPassword'")
                    .hasMessageNotContaining("Xy7!abc");
            assertThat(ledger.events()).isEmpty();
        }
        assertThat(Files.readString(dir.resolve(Ledger.JOURNAL))).doesNotContain("Xy7!abc");
    }
}
