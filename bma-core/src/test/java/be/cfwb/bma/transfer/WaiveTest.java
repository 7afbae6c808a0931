package be.cfwb.bma.transfer;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.MigrateResult;
import be.cfwb.bma.VerifyResult;
import be.cfwb.bma.WaiveResult;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

/**
 * {@code bma:waive} through the facade: a message too large for the target keeps its mailbox from
 * "pre-staged" until ops waive it; a waive of a message no pass reported is refused naming the
 * input; a dry run records nothing; once waived, the mailbox is pre-staged, the message is never
 * copied (not even once the target would take it), and verify and the dashboard list it as waived.
 */
class WaiveTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T08:00:00Z"), ZoneOffset.UTC);
    private static final BmaAddress MAILBOX = BmaAddress.of(BmaKind.EC, 4711);
    private static final String PASSWORD = "pw;waive";

    @TempDir
    Path temp;
    private GreenMailFixture oldServer;
    private GreenMailFixture newServer;

    @BeforeEach
    void servers() {
        oldServer = GreenMailFixture.start();
        newServer = GreenMailFixture.start();
        oldServer.createUser(MAILBOX, PASSWORD);
        newServer.createUser(MAILBOX, PASSWORD);
        try (MailboxSeeder s = oldServer.seeder(MAILBOX, PASSWORD)) {
            s.append(FolderPath.inbox(), TestMessage.builder().subject("petit").build(), MailboxSeeder.flags(),
                    Instant.parse("2024-10-01T00:00:00Z"));
            s.append(FolderPath.inbox(), TestMessage.builder().subject("énorme").attachment(200_000, 7).build(),
                    MailboxSeeder.flags(), Instant.parse("2024-10-02T00:00:00Z"));
        }
    }

    @AfterEach
    void stop() {
        oldServer.close();
        newServer.close();
    }

    private Bma bma(long maxMessageSize) {
        TransferSettings transfer = TransferSettings.builder()
                .imapSource(oldServer.imapEndpoint(), m -> new MailboxCredentials.Password(m.toString(), Secret.of(PASSWORD)), CLOCK)
                .imapTarget(newServer.imapEndpoint(), m -> new MailboxCredentials.Password(m.toString(), Secret.of(PASSWORD)), CLOCK)
                .folderMapper(FolderMapper.preserve())
                .maxMessageSize(maxMessageSize)
                .spoolDirectory(temp)
                .build();
        return Bma.configure().inventory(Inventory.of(List.of(Mailbox.of(MAILBOX, "École du test"))))
                .ledgerDirectory(temp.resolve("ledger")).outputDirectory(temp.resolve("out")).clock(CLOCK)
                .transfer(transfer).load();
    }

    private static MailboxSelection one() {
        return MailboxSelection.parse(MAILBOX.toString());
    }

    private long ledgerSize() {
        try (Ledger ledger = Ledger.openReadOnly(temp.resolve("ledger"), CLOCK)) {
            return ledger.size();
        }
    }

    private MailboxStep step(Bma bma) {
        return bma.status(one()).mailboxes().get(0).step();
    }

    @Test
    void aWaivedOversizeMessageLetsTheMailboxBePreStagedAndIsNeverCopiedLater() throws Exception {
        Bma bma = bma(100_000);
        MigrateResult first = bma.migrate(one(), Pass.PRESTAGE);
        assertThat(first.isSuccess()).isFalse();
        MessageProblem big = first.report().mailboxes().get(0).skipped().get(0);
        assertThat(big.reason()).contains("too large");
        assertThat(step(bma)).isEqualTo(MailboxStep.PENDING);
        // Reported again by a second pass: still one record of it in the ledger.
        bma.migrate(one(), Pass.PRESTAGE);
        try (Ledger ledger = Ledger.openReadOnly(temp.resolve("ledger"), CLOCK)) {
            assertThat(ledger.events(e -> e.event() instanceof Event.MessageReported)).hasSize(1);
        }

        // Not a reported message: refused, naming the input, nothing recorded.
        long before = ledgerSize();
        String wrong = "INBOX/" + (big.uid() + 40);
        assertThatThrownBy(() -> bma.waive(one(), MessageWaivers.Request.parseList("INBOX/" + big.uid() + "," + wrong),
                "ops", Optional.empty(), false))
                .isInstanceOf(BmaException.class).hasMessageContaining("bma.waive '" + wrong + "'")
                .satisfies(e -> assertThat(((BmaException) e).code()).isEqualTo(BmaErrorCode.INVALID_CONFIGURATION));
        assertThatThrownBy(() -> MessageWaivers.Request.parseList("INBOX"))
                .hasMessageContaining("bma.waive 'INBOX'");
        assertThat(ledgerSize()).isEqualTo(before);

        // A dry run checks and records nothing.
        WaiveResult dry = bma.waive(one(), MessageWaivers.Request.parseList("INBOX/" + big.uid()), "ops",
                Optional.of("trop gros"), true);
        assertThat(dry.waived()).singleElement().satisfies(w -> assertThat(w.uid()).isEqualTo(big.uid()));
        assertThat(dry.recorded()).isZero();
        assertThat(ledgerSize()).isEqualTo(before);

        WaiveResult done = bma.waive(one(), MessageWaivers.Request.parseList(" INBOX/" + big.uid() + " "), "jdoe",
                Optional.of("pièce jointe de 200 Ko, envoyée à part"), false);
        assertThat(done.recorded()).isEqualTo(1);
        try (Ledger ledger = Ledger.openReadOnly(temp.resolve("ledger"), CLOCK)) {
            assertThat(ledger.events(e -> e.event() instanceof Event.MessageWaived)).singleElement()
                    .satisfies(e -> assertThat(e.event()).isEqualTo(new Event.MessageWaived("INBOX",
                            first.report().mailboxes().get(0).folders().get(0).uidValidity(), big.uid(), "jdoe",
                            Optional.of("pièce jointe de 200 Ko, envoyée à part"))));
        }
        assertThat(bma.waive(one(), MessageWaivers.Request.parseList("INBOX/" + big.uid()), "ops", Optional.empty(), false)
                .waived()).singleElement().satisfies(w -> assertThat(w.already()).isTrue());

        MigrateResult after = bma.migrate(one(), Pass.PRESTAGE);
        assertThat(after.isSuccess()).as(after.report().summary()).isTrue();
        assertThat(after.report().mailboxes().get(0).waived()).isEqualTo(1);
        List<String> rows = Files.readAllLines(temp.resolve("out").resolve("migrate-report.csv"), StandardCharsets.UTF_8);
        int waivedColumn = List.of(rows.get(0).split(";", -1)).indexOf("waived");
        assertThat(waivedColumn).as("a waived column in migrate-report.csv: " + rows.get(0)).isPositive();
        assertThat(rows.stream().skip(1).filter(r -> r.split(";", -1)[1].equals("INBOX"))
                .map(r -> r.split(";", -1)[waivedColumn])).containsExactly("1");
        assertThat(step(bma)).isEqualTo(MailboxStep.PRESTAGED);

        // The target would now take it: the waive still holds, at the final pass too.
        Bma roomier = bma(10L << 20);
        assertThat(roomier.migrate(one(), Pass.FINAL).report().copied()).isZero();
        try (MailboxInspector neu = newServer.inspector(MAILBOX, PASSWORD)) {
            assertThat(neu.messages(FolderPath.inbox())).hasSize(1);
        }

        VerifyResult verified = roomier.verify(one());
        assertThat(verified.isSuccess()).as(verified.report().summary()).isTrue();
        MailboxVerification v = verified.report().mailboxes().get(0);
        assertThat(v.missing()).isEmpty();
        assertThat(v.waived()).singleElement().satisfies(w -> assertThat(w.uid()).isEqualTo(big.uid()));
        assertThat(verified.report().summary()).contains("1 waived", "waived: INBOX/" + big.uid());

        Path html = roomier.report(one());
        String csv = Files.readString(html.resolveSibling("report.csv"), StandardCharsets.UTF_8);
        assertThat(csv).contains("bma:waive", "INBOX/" + big.uid(), "jdoe");
        assertThat(Files.readString(html, StandardCharsets.UTF_8)).contains("bma:waive");
    }

    @Test
    void aWaiveNeedsExactlyOneMailbox() {
        Bma bma = bma(100_000);
        assertThatThrownBy(() -> bma.waive(MailboxSelection.all(), MessageWaivers.Request.parseList("INBOX/2"), "ops",
                Optional.empty(), false)).hasMessageContaining("bma.mailboxes");
    }
}
