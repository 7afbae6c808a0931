package be.cfwb.bma.cutover;

import be.cfwb.bma.Bma;
import be.cfwb.bma.EventTypes;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CutoverTest {

    private static final BmaAddress READY = BmaAddress.parse("ec001394@adm.cfwb.be");
    private static final BmaAddress EARLY = BmaAddress.parse("po000478@adm.cfwb.be");

    @TempDir
    Path dir;
    private Bma bma;

    @BeforeEach
    void ledgerWithOneMailboxReady() {
        Path ledgerDir = dir.resolve("ledger");
        try (Ledger ledger = Ledger.open(ledgerDir)) {
            for (int mail = 1; mail <= 4; mail++) {
                ledger.append(LedgerEntry.of(EventTypes.MAIL_SENT).mailbox(READY).with("mail", mail));
            }
            ledger.append(LedgerEntry.of(EventTypes.MAIL_SENT).mailbox(EARLY).with("mail", 1));
        }
        bma = Bma.configure().inventory(Inventory.bundledOpenData()).ledgerDirectory(ledgerDir).load();
    }

    @Test
    void recordsOnlyMailboxesWhoseMailFourWasSentAndOnlyOnce() {
        CutoverResult first = bma.cutover(MailboxSelection.of(List.of(READY, EARLY)), Optional.empty(), false);

        assertThat(first.outcomes()).extracting(CutoverOutcome::mailbox, CutoverOutcome::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(READY, CutoverOutcome.Status.RECORDED),
                org.assertj.core.groups.Tuple.tuple(EARLY, CutoverOutcome.Status.NOT_READY));
        assertThat(first.isSuccess()).isFalse();
        assertThat(first.outcomes().get(1).detail()).contains("mail 4 has not been sent", "'mail 1 sent'");

        CutoverResult second = bma.cutover(MailboxSelection.of(List.of(READY)), Optional.empty(), false);
        assertThat(second.outcomes().get(0).status()).isEqualTo(CutoverOutcome.Status.ALREADY_RECORDED);
        assertThat(second.isSuccess()).isTrue();
        assertThat(bma.status(MailboxSelection.of(List.of(READY))).mailboxes().get(0).step()).isEqualTo(MailboxStep.CUT_OVER);
    }

    @Test
    void dryRunRecordsNothing() {
        CutoverResult result = bma.cutover(MailboxSelection.of(List.of(READY)), Optional.empty(), true);

        assertThat(result.outcomes().get(0).detail()).isEqualTo("would be recorded");
        assertThat(bma.status(MailboxSelection.of(List.of(READY))).mailboxes().get(0).step()).isEqualTo(MailboxStep.MAIL4_SENT);
    }

    @Test
    void hookRunsWithTheAddressAndItsFailureIsRecordedNotTheCutover() throws IOException {
        Path script = script("echo switching $1; exit 3");
        CutoverHook hook = CutoverHook.parse(script + " {address}", dir, Duration.ofSeconds(10));

        CutoverOutcome failed = bma.cutover(MailboxSelection.of(List.of(READY)), Optional.of(hook), false).outcomes().get(0);

        assertThat(failed.status()).isEqualTo(CutoverOutcome.Status.HOOK_FAILED);
        assertThat(failed.detail()).isEqualTo("cutover command exited with 3: switching ec001394@adm.cfwb.be");
        assertThat(bma.status(MailboxSelection.of(List.of(READY))).mailboxes().get(0).history())
                .extracting(e -> e.type()).contains(Cutover.CUTOVER_FAILED).doesNotContain(EventTypes.CUTOVER_RECORDED);

        CutoverHook fixed = CutoverHook.parse(script("test \"$1\" = ec001394@adm.cfwb.be") + " {address}", dir, Duration.ofSeconds(10));
        assertThat(bma.cutover(MailboxSelection.of(List.of(READY)), Optional.of(fixed), false).isSuccess()).isTrue();
    }

    @Test
    void hookThatHangsIsStoppedAndReported() throws IOException {
        CutoverHook hook = CutoverHook.parse(script("sleep 30") + "", dir, Duration.ofMillis(300));

        CutoverOutcome outcome = bma.cutover(MailboxSelection.of(List.of(READY)), Optional.of(hook), false).outcomes().get(0);

        assertThat(outcome.status()).isEqualTo(CutoverOutcome.Status.HOOK_FAILED);
        assertThat(outcome.detail()).contains("no answer within 300 ms; the process was stopped");
    }

    @Test
    void emptyCommandIsAConfigurationError() {
        assertThatThrownBy(() -> CutoverHook.parse(" ", dir, Duration.ofSeconds(1))).hasMessage("The cutover command (bma.cutover.command) is empty");
    }

    private Path script(String body) throws IOException {
        Path script = Files.createTempFile(dir, "hook", ".sh");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
