package be.cfwb.bma;

import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.lifecycle.RunListener;
import be.cfwb.bma.lifecycle.RunResult;
import be.cfwb.bma.lifecycle.Stage;
import be.cfwb.bma.transfer.Pass;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A day's run holds the ledger from its first stage to its last; readers still read meanwhile. */
class RunSessionTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-09-02T07:00:00Z"), ZoneOffset.UTC);
    /** Before any mail 1 of the 2024 campaign: the day plans, then has nothing due. */
    private static final LocalDate DAY = LocalDate.of(2024, 9, 2);

    @TempDir
    Path dir;

    @Test
    void aDayHoldsTheLedgerLockUntilItsDashboardIsWrittenWhileStatusStillReads() {
        Bma bma = Bma.configure().inventory(Inventory.bundledOpenData()).ledgerDirectory(dir.resolve("ledger"))
                .outputDirectory(dir.resolve("out")).clock(CLOCK).load();
        List<String> seenDuringTheDay = new ArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void stageStarted(Stage stage, int mailboxes) {
                if (stage != Stage.PLAN && stage != Stage.REPORT) {
                    return;
                }
                // Another goal that records must wait for the day: between two stages as much as within one.
                try {
                    bma.plan(MailboxSelection.all());
                    seenDuringTheDay.add(stage + ": plan ran");
                } catch (BmaException e) {
                    seenDuringTheDay.add(stage + ": plan refused, " + e.code());
                }
                seenDuringTheDay.add(stage + ": status read " + bma.status(MailboxSelection.parse("ec001394")).mailboxes()
                        .get(0).step());
            }
        };

        RunResult day = bma.run(DAY, MailboxSelection.all(), Optional.empty(), listener);

        assertThat(seenDuringTheDay).containsExactly(
                "PLAN: plan refused, LEDGER_UNAVAILABLE", "PLAN: status read PENDING",
                "REPORT: plan refused, LEDGER_UNAVAILABLE", "REPORT: status read PENDING");
        assertThat(day.isSuccess()).as("%s", day.stages()).isTrue();
        assertThat(day.stages()).filteredOn(s -> s.stage() != Stage.PLAN && s.stage() != Stage.REPORT)
                .allSatisfy(s -> assertThat(s.summary()).isEqualTo("nothing due"));
        assertThat(day.report()).hasValueSatisfying(report -> assertThat(Files.exists(report)).isTrue());
        // The day over, the lock is released.
        assertThatCode(() -> bma.plan(MailboxSelection.all())).doesNotThrowAnyException();
    }

    @Test
    void aVerbRefusedForItsConfigurationTouchesNoLedger() {
        Path ledger = dir.resolve("ledger");
        Bma bma = Bma.configure().inventory(Inventory.bundledOpenData()).ledgerDirectory(ledger)
                .outputDirectory(dir.resolve("out")).clock(CLOCK).load();

        assertThatThrownBy(() -> bma.migrate(MailboxSelection.all(), Pass.PRESTAGE))
                .isInstanceOfSatisfying(BmaException.class, e -> assertThat(e.code()).isEqualTo(BmaErrorCode.INVALID_CONFIGURATION));
        assertThat(Files.exists(ledger)).isFalse();
    }
}
