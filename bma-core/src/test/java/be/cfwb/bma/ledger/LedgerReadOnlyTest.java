package be.cfwb.bma.ledger;

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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A read-only ledger: no lock, a consistent view up to the last complete line, nothing repaired. */
class LedgerReadOnlyTest {

    private static final BmaAddress EC = BmaAddress.of(BmaKind.EC, 1394);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T07:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void readsWhileAnotherProcessHoldsTheWriterLockUpToTheLastCompleteLine() throws Exception {
        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            ledger.append(LedgerEntry.of(new Event.MailboxProvisioned()).mailbox(EC));
        }
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LedgerLockHolder.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("open 1");
            // The writer is in the middle of its next line.
            Files.writeString(dir.resolve(Ledger.JOURNAL), "{\"seq\":2,\"at\":\"2024-11-04T07:", StandardOpenOption.APPEND);
            byte[] before = Files.readAllBytes(dir.resolve(Ledger.JOURNAL));

            try (Ledger reader = Ledger.openReadOnly(dir, CLOCK)) {
                assertThat(reader.isReadOnly()).isTrue();
                assertThat(reader.size()).isEqualTo(1);
                assertThat(reader.history(EC)).extracting(LedgerEvent::event).containsExactly(new Event.MailboxProvisioned());
                assertThat(reader.events()).hasSize(1);
                assertThat(reader.recovery()).isEmpty();
                assertThatThrownBy(() -> reader.append(LedgerEntry.of("x"))).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("read-only");
            }
            assertThat(Files.readAllBytes(dir.resolve(Ledger.JOURNAL))).as("the writer's line is left alone").isEqualTo(before);
            assertThat(Files.exists(dir.resolve(Ledger.TORN))).isFalse();
        } finally {
            holder.getOutputStream().close();
            assertThat(holder.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aReaderKeepsItsViewWhileTheWriterAppends() {
        try (Ledger writer = Ledger.open(dir, CLOCK)) {
            writer.append(LedgerEntry.of(new Event.MailboxProvisioned()).mailbox(EC));
            try (Ledger reader = Ledger.openReadOnly(dir, CLOCK)) {
                writer.append(LedgerEntry.of(new Event.CutoverRecorded("ops")).mailbox(EC));
                assertThat(reader.history(EC)).hasSize(1);
                assertThat(reader.events()).hasSize(1);
                assertThat(reader.lastOfEachKind(EC)).hasSize(1);
            }
            try (Ledger reader = Ledger.openReadOnly(dir, CLOCK)) {
                assertThat(reader.history(EC)).hasSize(2);
            }
        }
    }

    @Test
    void aMissingLedgerReadsAsEmptyAndIsNotCreated() throws IOException {
        Path missing = dir.resolve("nowhere");
        try (Ledger reader = Ledger.openReadOnly(missing, CLOCK)) {
            assertThat(reader.events()).isEmpty();
            assertThat(reader.history(EC)).isEmpty();
        }
        assertThat(Files.exists(missing)).isFalse();
    }
}
