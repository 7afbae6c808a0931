package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxReport;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A wrong admin (master) password, as ops would configure it (settings.xml server
 * {@code bma-source}, SASL PLAIN with the mailbox as authorization identity), against a real
 * Dovecot whose login attempts are counted by a {@link LoginCountingProxy}: 12 mailboxes, 4 at
 * once, make ONE failed login of the admin account, not 12 (a lockout would stop the whole
 * migration); every mailbox is reported, the first with the server's refusal, the others as
 * not attempted, each naming the server and {@code bma-source}, never the password; nothing
 * reaches the target. Skipped where Dovecot is absent.
 */
@RequiresDovecot
@Timeout(90)
class WrongMasterPasswordTest {

    private static final AtomicInteger NEXT = new AtomicInteger(7700);

    @TempDir
    Path temp;

    @Test
    void aWrongAdminPasswordIsTriedOnceForTwelveMailboxes() throws Exception {
        try (DovecotFixture old = DovecotFixture.start(HierarchyStyle.SLASH);
             GreenMailFixture neu = GreenMailFixture.start();
             LoginCountingProxy proxy = LoginCountingProxy.to(old.imapEndpoint().port());
             Ledger ledger = Ledger.open(temp.resolve("ledger"), FaultHarness.CLOCK)) {
            List<BmaAddress> mailboxes = new ArrayList<>();
            StringBuilder targetPasswords = new StringBuilder();
            for (int i = 0; i < 12; i++) {
                BmaAddress a = BmaAddress.of(BmaKind.EC, NEXT.incrementAndGet());
                old.createUser(a, FaultHarness.password(a));
                neu.createUser(a, FaultHarness.password(a));
                try (MailboxSeeder s = old.seeder(a, FaultHarness.password(a))) {
                    s.append(FolderPath.inbox(), TestMessage.builder().subject("Pour " + a).build(), flags("\\Seen"),
                            Instant.parse("2024-10-01T08:00:00Z"));
                }
                targetPasswords.append(a).append(';').append(FaultHarness.password(a)).append('\n');
                mailboxes.add(a);
            }
            Path targetCredentials = Files.writeString(temp.resolve("target.csv"), targetPasswords, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(targetCredentials, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            String wrong = "not-" + old.server().masterPassword();
            String sourceUrl = "imap://127.0.0.1:" + proxy.port();
            TransferSettings settings = FaultHarness.adminLoginSettings(sourceUrl, neu.imapEndpoint(), targetCredentials, 4,
                            new Login(old.server().masterUser(), Secret.of(wrong)), FaultHarness.CLOCK)
                    .spoolDirectory(temp)
                    .build();

            TransferReport report = new SyncEngine(settings, ledger, FaultHarness.CLOCK, TransferListener.NONE)
                    .run(mailboxes, Pass.PRESTAGE);

            assertThat(proxy.attempts()).as("login attempts of the admin account at the server: %s", proxy.attempts())
                    .hasSize(1)
                    .allSatisfy(x -> {
                        assertThat(x.mechanism).isEqualTo("PLAIN");
                        assertThat(x.identity).isEqualTo(old.server().masterUser());
                        assertThat(x.accepted()).isFalse();
                    });
            assertThat(report.mailboxes()).hasSize(12).noneMatch(MailboxReport::isComplete);
            List<String> errors = report.mailboxes().stream().map(m -> m.error().orElseThrow()).toList();
            assertThat(errors).allSatisfy(e -> assertThat(e)
                    .contains(sourceUrl, "admin login '" + old.server().masterUser() + "' (settings.xml server bma-source)",
                            "check the credentials")
                    .doesNotContain(wrong));
            assertThat(errors).filteredOn(e -> e.startsWith("Login to ")).singleElement().asString()
                    .contains("refused", "no other mailbox logs in with it in this run");
            assertThat(errors).filteredOn(e -> e.startsWith("Not attempted: ")).hasSize(11);
            String written = report.toJson() + report.toCsv() + report.summary()
                    + Files.readString(temp.resolve("ledger").resolve(Ledger.JOURNAL), StandardCharsets.UTF_8);
            assertThat(written).doesNotContain(wrong);
            for (BmaAddress a : mailboxes) {
                try (MailboxInspector box = neu.inspector(a, FaultHarness.password(a))) {
                    assertThat(box.messages(FolderPath.inbox())).as("nothing reached %s", a).isEmpty();
                }
            }
        }
    }
}
