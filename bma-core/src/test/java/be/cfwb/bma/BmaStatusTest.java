package be.cfwb.bma;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BmaStatusTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T07:00:00Z"), ZoneOffset.UTC);
    private static final BmaAddress EC = BmaAddress.of(BmaKind.EC, 1394);
    private static final BmaAddress PO = BmaAddress.of(BmaKind.PO, 478);

    @TempDir
    Path ledgerDir;

    @Test
    void statusShowsTheFurthestStepTheLedgerProves() {
        try (Ledger ledger = Ledger.open(ledgerDir, CLOCK)) {
            ledger.append(LedgerEntry.of(EventTypes.MAIL_SENT).mailbox(EC).with("mail", 1));
            ledger.append(LedgerEntry.of(EventTypes.MAILBOX_PROVISIONED).mailbox(EC));
            ledger.append(LedgerEntry.of(EventTypes.MAIL_SENT).mailbox(EC).with("mail", 2));
            // An incomplete pass does not count as pre-staged.
            ledger.append(LedgerEntry.of(EventTypes.TRANSFER_PASS_DONE).mailbox(EC).with("pass", "prestage").with("complete", false));
            ledger.append(LedgerEntry.of(EventTypes.MAIL_SENT).mailbox(PO).with("mail", 1));
        }
        Bma bma = Bma.configure().inventory(Inventory.bundledOpenData()).ledgerDirectory(ledgerDir).clock(CLOCK).load();

        StatusResult status = bma.status(MailboxSelection.parse("ec001394,po000478,ec000006"));

        assertThat(status.mailboxes()).extracting(m -> m.mailbox().address().toString(), MailboxStatus::step).containsExactly(
                org.assertj.core.groups.Tuple.tuple("ec000006@adm.cfwb.be", MailboxStep.PENDING),
                org.assertj.core.groups.Tuple.tuple("ec001394@adm.cfwb.be", MailboxStep.MAIL2_SENT),
                org.assertj.core.groups.Tuple.tuple("po000478@adm.cfwb.be", MailboxStep.MAIL1_SENT));
        assertThat(status.totalsByStep()).containsEntry(MailboxStep.PENDING, 1).containsEntry(MailboxStep.MAIL2_SENT, 1)
                .containsEntry(MailboxStep.MAIL1_SENT, 1).containsEntry(MailboxStep.VERIFIED, 0);
        assertThat(status.totalsByKind()).containsEntry(BmaKind.EC, 2).containsEntry(BmaKind.PO, 1);
        assertThat(status.mailboxes().get(1).since()).contains(CLOCK.instant());
        assertThat(status.mailboxes().get(1).history()).extracting(e -> e.type()).containsExactly(
                EventTypes.MAIL_SENT, EventTypes.MAILBOX_PROVISIONED, EventTypes.MAIL_SENT, EventTypes.TRANSFER_PASS_DONE);
    }

    @Test
    void loadWithoutInventoryNamesTheKeyToSet() {
        assertThatThrownBy(() -> Bma.configure().load())
                .isInstanceOfSatisfying(BmaException.class, e -> assertThat(e.code()).isEqualTo(BmaErrorCode.INVALID_CONFIGURATION))
                .hasMessageContaining("bma.inventory");
    }

    @Test
    void propertiesUseTheSharedVocabulary(@TempDir Path out) {
        Bma bma = Bma.configure()
                .inventory(Inventory.bundledOpenData())
                .properties(java.util.Map.of(BmaProperties.LEDGER, ledgerDir.toString(), BmaProperties.OUTPUT, out.toString()))
                .load();

        assertThat(bma.ledgerDirectory()).isEqualTo(ledgerDir);
        assertThat(bma.outputDirectory()).isEqualTo(out);
    }

    @Test
    void aJdbcUrlNamesADatabaseLedgerAndAPathHoldingOneIsRefusedAndNoDirectoryIsCreated(@TempDir Path basedir)
            throws Exception {
        Bma bma = Bma.configure().inventory(Inventory.bundledOpenData())
                .properties(java.util.Map.of(BmaProperties.LEDGER, "jdbc:postgresql://127.0.0.1:15432/bma?password=Xy7")).load();
        assertThat(bma.ledger()).isInstanceOf(be.cfwb.bma.ledger.LedgerLocation.Database.class);
        assertThat(bma.toString()).contains("jdbc:postgresql://127.0.0.1:15432/bma").doesNotContain("Xy7");
        for (String url : List.of("jdbc:mysql://127.0.0.1/bma?password=Xy7", "JDBC:oracle:thin:@db:1521/bma")) {
            assertThatThrownBy(() -> Bma.configure().inventory(Inventory.bundledOpenData())
                    .properties(java.util.Map.of(BmaProperties.LEDGER, url)).load())
                    .isInstanceOfSatisfying(BmaException.class, e -> assertThat(e.code()).isEqualTo(BmaErrorCode.INVALID_CONFIGURATION))
                    .hasMessageContaining("bma.ledger").hasMessageContaining("jdbc:postgresql").hasMessageNotContaining("Xy7");
        }
        // What Maven makes of -Dbma.ledger=jdbc:... for a File parameter: a path under the project.
        assertThatThrownBy(() -> Bma.configure().ledgerDirectory(basedir.resolve("jdbc:postgresql:").resolve("127.0.0.1:15432")))
                .isInstanceOf(BmaException.class).hasMessageContaining("bma.ledger");
        try (var files = java.nio.file.Files.list(basedir)) {
            assertThat(files).isEmpty();
        }
    }
}
