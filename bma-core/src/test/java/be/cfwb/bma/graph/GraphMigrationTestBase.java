package be.cfwb.bma.graph;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.graph.GraphStandIn;
import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.TransferSettings;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.BiConsumer;

/**
 * What the tests of whole migrations to the Graph stand-in share: an old IMAP server, the
 * stand-in, a ledger and a spool in a temporary directory, mailboxes on both sides, and settings
 * from the one to the other. Each test adds its own seeding, parallelism and retries.
 */
abstract class GraphMigrationTestBase {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T08:00:00Z"), ZoneOffset.UTC);

    GreenMailFixture oldServer;
    GraphStandIn standIn;
    @TempDir
    Path temp;
    Ledger ledger;

    @BeforeEach
    void start() {
        oldServer = GreenMailFixture.start();
        standIn = GraphStandIn.start();
        ledger = Ledger.open(temp.resolve("ledger"), CLOCK);
    }

    @AfterEach
    void stop() {
        ledger.close();
        standIn.close();
        oldServer.close();
    }

    static String password(BmaAddress a) {
        return "pw-" + a.localPart();
    }

    /** Mailbox {@code number} on the old server and in the stand-in, its old mailbox filled by {@code seed}. */
    BmaAddress mailbox(int number, BiConsumer<MailboxSeeder, BmaAddress> seed) {
        BmaAddress a = BmaAddress.of(BmaKind.EC, number);
        oldServer.createUser(a, password(a));
        standIn.addUser(a.toString());
        try (MailboxSeeder s = oldServer.seeder(a, password(a))) {
            seed.accept(s, a);
        }
        return a;
    }

    /** From the old server to {@code graph}, folders mapped as on Exchange, spooling in the temporary directory. */
    TransferSettings.Builder toGraph(GraphConnection graph) {
        CredentialSource passwords = mailbox -> new MailboxCredentials.Password(mailbox.toString(),
                Secret.of(password(mailbox)));
        return GraphTarget.configure(TransferSettings.builder(), graph)
                .imapSource(oldServer.imapEndpoint(), passwords, CLOCK)
                .folderMapper(FolderMapper.exchange())
                .spoolDirectory(temp);
    }
}
