package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferReport;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Process death with pipelined APPENDs in flight: the target is Exchange-like (LITERAL+, no
 * MULTIAPPEND), so a batch of copies goes as one APPEND per message, each sent before the earlier
 * ones are answered. A child JVM ({@link KilledMigrationChild}, its {@code multiappend} point: the
 * batch's last literal cut halfway) is killed with SIGKILL there, before it read any of their
 * answers: the server may have stored the earlier ones, which the engine never counted. A rerun
 * finds those by their trace and copies only the rest: every message exactly once, byte for byte.
 * Skipped without Dovecot.
 */
@RequiresDovecot
class KilledPipelinedAppendsTest extends TwoServerTestBase<MailServerFixture, MailServerFixture> {

    private static final int COUNT = 8;
    private static final FolderPath INBOX = FolderPath.inbox();

    @Override
    protected MailServerFixture startOld() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }

    @Override
    protected MailServerFixture startNew() {
        return ExchangeLikeDovecot.start();
    }

    @Test
    void killedWithAppendsInFlightThenRerunCopiesEachMessageOnce() throws Exception {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < COUNT; i++) {
                s.append(INBOX, TestMessage.builder().subject("m" + i).messageId("kp" + i + "@x")
                        .attachment(8_000, i).build(), i % 2 == 0 ? flags("\\Seen") : flags(),
                        Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
        }
        Path ledgerDir = temp.resolve("ledger-pipelined");
        List<String> output = KillPoint.killAt("multiappend", KilledMigrationChild.class,
                oldServer.imapEndpoint().toString(), newServer.imapEndpoint().toString(), ledgerDir.toString(),
                temp.resolve("spool").toString(), "multiappend", a.toString());
        int batch = output.stream().filter(l -> l.startsWith("MULTIAPPEND of ")).findFirst()
                .map(l -> Integer.parseInt(l.substring("MULTIAPPEND of ".length()))).orElseThrow();
        assertThat(batch).isGreaterThanOrEqualTo(2);

        int before = KillPoint.settled(() -> {
            try (MailboxInspector neu = h.newBox(a)) {
                return neu.messages(INBOX).size();
            }
        });
        // Only the cut message is surely missing; the batch's earlier APPENDs were whole on the wire.
        assertThat(before).as("copies the server stored before the kill").isLessThan(COUNT);

        TransferReport rerun;
        try (Ledger l = Ledger.open(ledgerDir, FaultHarness.CLOCK)) {
            rerun = FaultHarness.run(h.settings(temp.resolve("spool")).build(), l, Pass.PRESTAGE, a);
        }
        assertThat(rerun.isComplete()).as(rerun.summary()).isTrue();
        assertThat(rerun.copied()).as("only what the killed run had not stored").isEqualTo(COUNT - before);
        assertThat(rerun.copied() + rerun.alreadyPresent()).as(rerun.summary()).isEqualTo(COUNT);
        h.assertVerified(temp, a);
        assertThat(h.assertCopiedByteForByte(a, INBOX)).isEqualTo(COUNT);
    }
}
