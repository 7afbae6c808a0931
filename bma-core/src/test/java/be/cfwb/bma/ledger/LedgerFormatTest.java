package be.cfwb.bma.ledger;

import be.cfwb.bma.EventTypes;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.BmaAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ledger written by the toolkit as it was on 2026-12-04 (the demo, 4 mailboxes, run to the
 * end before the ledger was typed and indexed) opens unchanged and reads the same state.
 */
class LedgerFormatTest {

    static final String FIXTURE = "/ledger/demo-2026-12/ledger.jsonl";
    static final BmaAddress PO3 = BmaAddress.parse("po000003@adm.cfwb.be");

    @TempDir
    Path dir;

    static Path copyFixture(Path dir) throws IOException {
        try (InputStream in = LedgerFormatTest.class.getResourceAsStream(FIXTURE)) {
            Files.copy(in, dir.resolve(Ledger.JOURNAL));
        }
        return dir;
    }

    @Test
    void aLedgerOfTheFirstFormatOpensUnchangedWithTheSameState() throws IOException {
        copyFixture(dir);
        byte[] before = Files.readAllBytes(dir.resolve(Ledger.JOURNAL));

        try (Ledger ledger = Ledger.open(dir)) {
            assertThat(ledger.recovery()).isEmpty();
            assertThat(ledger.events()).hasSize(88);
            Map<String, Long> perType = ledger.events().stream()
                    .collect(Collectors.groupingBy(LedgerEvent::type, TreeMap::new, Collectors.counting()));
            assertThat(perType).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                    "cutover.recorded", 4L, "credential.issued", 4L, "mail.sending", 16L, "mail.sent", 16L,
                    "mailbox.provisioned", 4L, "mailbox.surveyed", 4L, "plan.published", 9L,
                    "transfer.folder.synced", 19L, "transfer.pass.done", 8L, "verify.passed", 4L)));
            Map<String, Integer> histories = Map.of("po000003@adm.cfwb.be", 21, "po000005@adm.cfwb.be", 22,
                    "ec001563@adm.cfwb.be", 17, "ec001564@adm.cfwb.be", 19);
            histories.forEach((mailbox, size) -> {
                var history = ledger.history(BmaAddress.parse(mailbox));
                assertThat(history).as(mailbox).hasSize(size);
                assertThat(MailboxStep.of(history)).as(mailbox).isEqualTo(MailboxStep.VERIFIED);
            });
            assertThat(ledger.latest(PO3, EventTypes.MAIL_SENT).orElseThrow().get("mail")).contains("4");
            assertThat(ledger.events(e -> e.concerns(PO3) && e.type().equals(EventTypes.MAIL_SENT)
                    && e.get("mail").equals(java.util.Optional.of("1"))).get(0).get("migration_date")).contains("2024-10-02");
            assertThat(ledger.latest(PO3, EventTypes.TRANSFER_FOLDER_SYNCED).orElseThrow().data())
                    .containsEntry("folder", "INBOX").containsEntry("highestUid", "5").containsEntry("pass", "final");
        }
        assertThat(Files.readAllBytes(dir.resolve(Ledger.JOURNAL))).as("opening rewrites nothing").isEqualTo(before);
    }

    @Test
    void everyEventOfTheFirstFormatIsTypedAndWritesBackTheSameData() throws IOException {
        copyFixture(dir);
        try (Ledger ledger = Ledger.open(dir)) {
            for (LedgerEvent e : ledger.events()) {
                Event typed = e.event();
                assertThat(typed).as("#%d %s", e.sequence(), e.type()).isNotInstanceOf(Event.Other.class);
                assertThat(typed.type()).isEqualTo(e.type());
                assertThat(EventCodec.encode(typed)).as("#%d %s", e.sequence(), e.type()).isEqualTo(e.data());
            }
            Event.MailSent mail1 = ledger.history(PO3).stream().map(LedgerEvent::event)
                    .filter(Event.MailSent.class::isInstance).map(Event.MailSent.class::cast).findFirst().orElseThrow();
            assertThat(mail1.mail()).isEqualTo(1);
            assertThat(mail1.migrationDate()).contains("2024-10-02");
            Event.FolderSynced inbox = (Event.FolderSynced) ledger.latest(PO3, EventTypes.TRANSFER_FOLDER_SYNCED)
                    .orElseThrow().event();
            assertThat(inbox).isEqualTo(new Event.FolderSynced("INBOX", 1796409026L, 5, "final"));
        }
    }

    @Test
    void aTypeThisVersionDoesNotKnowIsKeptAsWritten() {
        try (Ledger ledger = Ledger.open(dir)) {
            ledger.append(LedgerEntry.of("mail.delivered").mailbox(PO3).with("mail", 4).with("folder", "INBOX"));
        }
        try (Ledger ledger = Ledger.open(dir)) {
            assertThat(ledger.history(PO3).get(0).event())
                    .isEqualTo(new Event.Other("mail.delivered", new TreeMap<>(Map.of("mail", "4", "folder", "INBOX"))));
        }
    }

    @Test
    void aKnownTypeWithAMalformedValueIsCorruptionNotAGuess() throws IOException {
        Files.writeString(dir.resolve(Ledger.JOURNAL), "{\"seq\":1,\"at\":\"2024-11-04T07:00:00Z\",\"type\":\"mail.sent\","
                + "\"mailbox\":\"po000003@adm.cfwb.be\",\"data\":{\"mail\":\"two\"}}\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Ledger.open(dir))
                .isInstanceOfSatisfying(be.cfwb.bma.BmaException.class,
                        e -> assertThat(e.code()).isEqualTo(be.cfwb.bma.BmaErrorCode.LEDGER_CORRUPT));
    }
}
