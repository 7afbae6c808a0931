package be.cfwb.bma.campaign;

import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.transfer.CopyTrace;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.SourceKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The campaign id in the ledger, and the campaign's line on a copy. */
class CampaignLedgerTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T09:00:00Z"), ZoneOffset.UTC);
    static final BmaAddress PO3 = BmaAddress.parse("po000003@adm.cfwb.be");

    @TempDir
    Path dir;

    @Test
    void aLedgerOfTheFirstFormatGetsAnIdAtItsFirstWriteAndNothingElseChanges() throws IOException {
        try (InputStream in = CampaignLedgerTest.class.getResourceAsStream("/ledger/demo-2026-12/ledger.jsonl")) {
            Files.copy(in, dir.resolve(Ledger.JOURNAL));
        }
        byte[] before = Files.readAllBytes(dir.resolve(Ledger.JOURNAL));
        CampaignId id;
        try (Ledger ledger = Ledger.open(dir, CLOCK)) {
            assertThat(CampaignLedger.of(ledger)).isEmpty();
            id = CampaignLedger.ensure(ledger, CLOCK);
            assertThat(CampaignLedger.ensure(ledger, CLOCK)).as("once").isEqualTo(id);
        }
        byte[] after = Files.readAllBytes(dir.resolve(Ledger.JOURNAL));
        assertThat(new String(after, 0, before.length, StandardCharsets.UTF_8))
                .as("appended, never rewritten").isEqualTo(new String(before, StandardCharsets.UTF_8));
        try (Ledger ledger = Ledger.openReadOnly(dir, CLOCK)) {
            assertThat(ledger.size()).isEqualTo(89);
            assertThat(CampaignLedger.of(ledger)).contains(id);
            LedgerEvent created = ledger.events().get(88);
            assertThat(created.type()).isEqualTo(CampaignLedger.CREATED);
            assertThat(created.data()).containsEntry("id", id.value()).containsEntry("events_before", "88");
            assertThat(MailboxStep.of(ledger.history(PO3))).isEqualTo(MailboxStep.VERIFIED);
            assertThat(CampaignLedger.knows(ledger, PO3)).as("its mails are recorded").isTrue();
        }
        assertThat(id.value()).matches("c20261205-[0-9a-f]{12}");
    }

    @Test
    void twoLedgersNeverShareAnId() {
        assertThat(CampaignId.generate(CLOCK)).isNotEqualTo(CampaignId.generate(CLOCK));
        assertThatThrownBy(() -> new CampaignId("c 1; x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void verificationReadsACopyWithoutItsCampaignLineAndOnlyThatLine() throws IOException {
        SourceKey key = new SourceKey(PO3, FolderPath.inbox(), 7, 42);
        String original = "Subject: x\r\n\r\nbody\r\n";
        String stamped = CopyTrace.header(key, Optional.of("c20261205-0123456789ab")) + original;
        String unstamped = CopyTrace.header(key, Optional.empty()) + original;

        assertThat(read(CopyTrace.withoutCampaignLine(stream(stamped)))).isEqualTo(key.headerLine() + original);
        assertThat(read(CopyTrace.withoutCampaignLine(stream(unstamped)))).isEqualTo(unstamped);
        assertThat(read(CopyTrace.withoutCampaignLine(stream(key.headerLine())))).isEqualTo(key.headerLine());
        for (String s : List.of(stamped, unstamped)) {
            assertThat(s).startsWith(SourceKey.HEADER + ": v=1; m=" + PO3);
        }
    }

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
}
