package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.DovecotServer;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.transfer.FolderPath;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that admits fewer connections per mailbox than {@code bma.connectionsPerMailbox}
 * asks for (Dovecot's {@code mail_max_userip_connections}, which counts a master login for the
 * mailbox; Exchange has such a limit too): the connections it turns away are not a wrong
 * password. The shared admin login is not stopped, no mailbox is reported refused, and every
 * message is copied exactly once over the connections the server did admit.
 */
@RequiresDovecot
@Timeout(120)
class ConnectionLimitTest {

    private static final AtomicInteger NEXT = new AtomicInteger(7900);

    @TempDir
    Path temp;

    @Test
    void connectionsBeyondTheServersLimitAreNotARefusedLogin() throws Exception {
        try (DovecotFixture old = DovecotFixture.of(DovecotServer.builder().hierarchy(HierarchyStyle.SLASH)
                     .maxUserIpConnections(2).start());
             GreenMailFixture neu = GreenMailFixture.start();
             Ledger ledger = Ledger.open(temp.resolve("ledger"), FaultHarness.CLOCK)) {
            List<BmaAddress> mailboxes = new ArrayList<>();
            StringBuilder targetPasswords = new StringBuilder();
            int total = 0;
            for (int i = 0; i < 3; i++) {
                BmaAddress a = BmaAddress.of(BmaKind.EC, NEXT.incrementAndGet());
                old.createUser(a, FaultHarness.password(a));
                neu.createUser(a, FaultHarness.password(a));
                try (MailboxSeeder s = old.seeder(a, FaultHarness.password(a))) {
                    for (int f = 0; f < 6; f++) {
                        FolderPath folder = f == 0 ? FolderPath.inbox() : FolderPath.of("Dossier " + f);
                        for (int m = 0; m < 3; m++) {
                            s.append(folder, TestMessage.builder().subject(a + " f" + f + " m" + m).build(),
                                    flags("\\Seen"), Instant.parse("2024-10-01T08:00:00Z").plusSeconds(f * 10L + m));
                            total++;
                        }
                    }
                }
                targetPasswords.append(a).append(';').append(FaultHarness.password(a)).append('\n');
                mailboxes.add(a);
            }
            Path targetCredentials = Files.writeString(temp.resolve("target.csv"), targetPasswords, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(targetCredentials, PosixFilePermissions.fromString("rw-------"));
            TransferSettings settings = FaultHarness.adminLoginSettings(old.imapEndpoint().toString(), neu.imapEndpoint(),
                            targetCredentials, 3, new Login(old.server().masterUser(), Secret.of(old.server().masterPassword())),
                            FaultHarness.CLOCK)
                    .connectionsPerMailbox(4).furtherConnectionsFrom(Duration.ZERO)
                    .spoolDirectory(temp)
                    .build();

            TransferReport first = new SyncEngine(settings, ledger, FaultHarness.CLOCK, TransferListener.NONE)
                    .run(mailboxes, Pass.PRESTAGE);
            TransferReport rerun = new SyncEngine(settings, ledger, FaultHarness.CLOCK, TransferListener.NONE)
                    .run(mailboxes, Pass.FINAL);

            assertThat(first.isComplete()).as(first.summary()).isTrue();
            assertThat(first.copied()).as(first.summary()).isEqualTo(total);
            assertThat(rerun.isComplete()).as(rerun.summary()).isTrue();
            assertThat(rerun.copied()).as(rerun.summary()).isZero();
            assertThat(rerun.mailboxes()).allSatisfy(m -> assertThat(m.alreadyPresent()).isEqualTo(18));
        }
    }
}
