package be.cfwb.bma.ledger;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A full disk mid-append: the partial line is cut back, the ledger stops with a clear error,
 * nothing is half-recorded, and it reopens clean. With an injected channel, and on a real,
 * tiny tmpfs where the machine lets the test mount one.
 */
class LedgerFullDiskTest {

    private static final BmaAddress EC = BmaAddress.of(BmaKind.EC, 1394);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T07:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static LedgerEntry mailSent(int mail) {
        return LedgerEntry.of(new Event.MailSent(mail, 1, "bma.mail" + mail + "@adm.cfwb.be", "SGNE",
                Optional.of("2024-11-18"), Optional.of("2024-11-19"), "v1", false, false)).mailbox(EC);
    }

    @Test
    void aPartialAppendIsCutBackTheRunStopsAndTheLedgerReopensClean() throws IOException {
        FailingChannel[] channel = new FailingChannel[1];
        Ledger.JournalChannels failing = (file, writable) -> channel[0] = new FailingChannel(Ledger.FILES.open(file, writable));
        long good;
        try (Ledger ledger = Ledger.open(dir, CLOCK, failing)) {
            ledger.append(mailSent(1));
            good = Files.size(dir.resolve(Ledger.JOURNAL));
            channel[0].fillUpAfter(40);

            assertThatThrownBy(() -> ledger.append(mailSent(2)))
                    .isInstanceOfSatisfying(BmaException.class, e -> assertThat(e.code()).isEqualTo(BmaErrorCode.LEDGER_UNAVAILABLE))
                    .hasMessageContaining("could not record mail.sent for ec001394@adm.cfwb.be")
                    .hasMessageContaining("No space left on device; is the disk full?")
                    .hasMessageContaining("cut back to its last complete event")
                    .hasMessageContaining("The run stops here");
            assertThat(Files.size(dir.resolve(Ledger.JOURNAL))).as("nothing of it kept").isEqualTo(good);

            channel[0].fillUpAfter(Long.MAX_VALUE);
            assertThatThrownBy(() -> ledger.append(mailSent(3))).as("the ledger stays stopped, even with room again")
                    .isInstanceOf(BmaException.class).hasMessageContaining("could not record mail.sent");
            assertThat(ledger.size()).isEqualTo(1);
            assertThat(ledger.history(EC)).hasSize(1);
        }
        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            assertThat(ledger.recovery()).isEmpty();
            assertThat(ledger.events()).extracting(e -> ((Event.MailSent) e.event()).mail()).containsExactly(1);
            assertThat(ledger.append(mailSent(2)).sequence()).as("the next event follows the last good one").isEqualTo(2);
        }
        assertThat(Files.exists(dir.resolve(Ledger.TORN))).isFalse();
    }

    @Test
    void whenTheCutBackFailsTooTheNextOpenSetsThePartialLineAside() throws IOException {
        FailingChannel[] channel = new FailingChannel[1];
        Ledger.JournalChannels failing = (file, writable) -> channel[0] = new FailingChannel(Ledger.FILES.open(file, writable));
        try (Ledger ledger = Ledger.open(dir, CLOCK, failing)) {
            ledger.append(mailSent(1));
            channel[0].fillUpAfter(40);
            channel[0].failTruncation();
            assertThatThrownBy(() -> ledger.append(mailSent(2))).isInstanceOf(BmaException.class)
                    .hasMessageContaining("could not be cut back either");
        }
        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            assertThat(ledger.recovery()).hasValueSatisfying(r -> assertThat(r).contains("torn"));
            assertThat(ledger.events()).hasSize(1);
        }
        assertThat(Files.readString(dir.resolve(Ledger.TORN), StandardCharsets.UTF_8)).startsWith("{\"seq\":2");
    }

    @Test
    void onARealFullFilesystemTheLedgerStopsCleanAndReopens() throws Exception {
        Path mount = dir.resolve("tiny");
        Files.createDirectories(mount);
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString()),
                "needs to mount a 64 kB tmpfs (root on Linux); the injected-channel tests above cover the same path");
        try {
            long recorded = 0;
            BmaException failure = null;
            try (Ledger ledger = Ledger.open(mount.resolve("ledger"), CLOCK)) {
                String filler = "x".repeat(900);
                try {
                    for (int i = 0; i < 1_000; i++) {
                        ledger.append(LedgerEntry.of("test.filler").mailbox(EC).with("n", i).with("filler", filler));
                        recorded++;
                    }
                } catch (BmaException e) {
                    failure = e;
                }
                assertThat(failure).as("the disk filled up").isNotNull();
                assertThat(failure.code()).isEqualTo(BmaErrorCode.LEDGER_UNAVAILABLE);
                assertThat(failure.getMessage()).contains("is the disk full?").contains("The run stops here");
            }
            byte[] journal = Files.readAllBytes(mount.resolve("ledger").resolve(Ledger.JOURNAL));
            assertThat(journal[journal.length - 1]).as("the journal ends with a complete line").isEqualTo((byte) '\n');
            try (Ledger ledger = Ledger.open(mount.resolve("ledger"), CLOCK)) {
                assertThat(ledger.recovery()).isEmpty();
                assertThat(ledger.size()).isEqualTo(recorded);
            }
        } finally {
            assertThat(run("umount", mount.toString())).isTrue();
        }
    }

    private static boolean run(String... command) throws Exception {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
