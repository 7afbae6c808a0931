package be.cfwb.bma.security;

import be.cfwb.bma.Bma;
import be.cfwb.bma.MigrateResult;
import be.cfwb.bma.VerifyResult;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.graph.GraphConnection;
import be.cfwb.bma.graph.GraphCredentialIssuer;
import be.cfwb.bma.graph.GraphCredentials;
import be.cfwb.bma.graph.GraphSettings;
import be.cfwb.bma.graph.GraphTarget;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.SampleMailboxes;
import be.cfwb.bma.testing.graph.GraphStandIn;
import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferSettings;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

/**
 * A migration to Exchange through Microsoft Graph (the stand-in) in a JVM of its own, every
 * logger at DEBUG (SLF4J) and every java.util.logging logger at ALL (OkHttp, the JDK's HTTP
 * client, Angus's IMAP protocol trace), with the secrets of the Graph path: the app's access
 * token (a migration, a verification, a password reset through Graph, then the same token
 * refused: 401s), and a client secret handed to MSAL, whose authority is an unreachable https
 * address on loopback (token acquisition fails: that error goes into the report). Arguments:
 * the work directory (ledger, output, spool) and the file, outside it, where the secrets used
 * are written for the parent to look for.
 */
public final class GraphSecretsChild {

    static final List<BmaAddress> MAILBOXES = List.of(BmaAddress.parse("ec001394@adm.cfwb.be"),
            BmaAddress.parse("po000478@adm.cfwb.be"));
    private static final String CLIENT_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";

    private GraphSecretsChild() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path secretsFile = Path.of(args[1]);
        String nonce = args[2];
        String token = "eyJ0eXAiOiJKV1Qi." + nonce + UUID.randomUUID().toString().replace("-", "");
        String clientSecret = "Zq8~" + nonce + "." + UUID.randomUUID().toString().replace("-", "");
        String issuedPassword = "Mdp-" + nonce + "-" + UUID.randomUUID().toString().substring(0, 8);
        // written first: if the run dies half-way, the parent still knows what to look for
        Files.writeString(secretsFile, String.join("\n", List.of(token, clientSecret, issuedPassword,
                sourcePassword(MAILBOXES.get(0), nonce), sourcePassword(MAILBOXES.get(1), nonce))) + "\n",
                StandardCharsets.UTF_8);
        System.out.println("DEBUG-ENABLED " + org.slf4j.LoggerFactory.getLogger(Bma.class).isDebugEnabled()
                + " " + org.slf4j.LoggerFactory.getLogger("be.cfwb.bma.graph.GraphConnection").isDebugEnabled()
                + " " + java.util.logging.Logger.getLogger("okhttp3").isLoggable(java.util.logging.Level.FINEST));

        Clock clock = Clock.fixed(Instant.parse("2024-11-04T08:00:00Z"), ZoneId.of("Europe/Brussels"));
        GreenMail oldServer = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
        oldServer.start();
        GreenMailFixture oldImap = GreenMailFixture.over(oldServer);
        GraphStandIn standIn = GraphStandIn.start(clock).token(token);
        try {
            for (BmaAddress a : MAILBOXES) {
                oldServer.setUser(a.toString(), a.toString(), sourcePassword(a, nonce));
                standIn.addUser(a.toString());
                try (MailboxSeeder seeder = MailboxSeeder.connect(oldImap.imapEndpoint(), a.toString(), sourcePassword(a, nonce))) {
                    SampleMailboxes.seed(seeder, a, 3);
                }
            }
            Inventory inventory = Inventory.of(MAILBOXES.stream().map(a -> Mailbox.of(a, "École " + a.localPart())).toList());

            // 1. the app's access token: migrate, verify, reset a password through Graph
            try (GraphConnection graph = GraphConnection.open(GraphSettings.builder()
                    .credentials(GraphCredentials.staticToken(token)).baseUrl(standIn.baseUrl()).build())) {
                Bma bma = bma(work, "token", inventory, clock, transfer(graph, work, oldImap, nonce, clock));
                MigrateResult migrated = bma.migrate(MailboxSelection.all(), Pass.PRESTAGE, false, TransferListener.NONE);
                VerifyResult verified = bma.verify(MailboxSelection.all());
                bma.report(MailboxSelection.all());
                new GraphCredentialIssuer(graph, d -> { }).issue(MAILBOXES.get(0), Secret.of(issuedPassword));
                System.out.println("RESULT " + migrated.isSuccess() + " " + verified.isSuccess());

                // 2. the same token refused (revoked): every call answers 401
                standIn.token("another-" + nonce);
                MigrateResult refused = bma.migrate(MailboxSelection.all(), Pass.FINAL, false, TransferListener.NONE);
                System.out.println("TOKEN-REFUSED " + !refused.isSuccess() + " "
                        + String.join(" | ", refused.report().mailboxes().get(0).problems()));
                try {
                    new GraphCredentialIssuer(graph, d -> { }, 1).issue(MAILBOXES.get(1), Secret.of(issuedPassword));
                    System.out.println("UNEXPECTED password reset with a refused token");
                } catch (RuntimeException e) {
                    System.out.println("RESET-REFUSED " + e.getMessage());
                    e.printStackTrace(System.out);
                }
            }

            // 3. a client secret for MSAL, whose Entra ID cannot be reached: the run reports it
            try (GraphConnection graph = GraphConnection.open(GraphSettings.builder()
                    .credentials(GraphCredentials.clientSecret("cfwb.onmicrosoft.com", CLIENT_ID, clientSecret))
                    .authority("https://127.0.0.1:1/")
                    .baseUrl(standIn.baseUrl()).build())) {
                Bma bma = bma(work, "secret", inventory, clock, transfer(graph, work, oldImap, nonce, clock));
                MigrateResult failed = bma.migrate(MailboxSelection.all(), Pass.PRESTAGE, false, TransferListener.NONE);
                bma.report(MailboxSelection.all());
                System.out.println("CLIENT-SECRET-FAILED " + !failed.isSuccess() + " "
                        + String.join(" | ", failed.report().mailboxes().get(0).problems()));
                try {
                    new GraphCredentialIssuer(graph, d -> { }, 1).issue(MAILBOXES.get(1), Secret.of(issuedPassword));
                    System.out.println("UNEXPECTED password reset without a token");
                } catch (RuntimeException e) {
                    System.out.println("RESET-FAILED " + e.getMessage());
                    e.printStackTrace(System.out);
                }
            }
        } finally {
            standIn.close();
            oldImap.close();
        }
    }

    private static TransferSettings transfer(GraphConnection graph, Path work, GreenMailFixture oldServer, String nonce, Clock clock) {
        return GraphTarget.configure(TransferSettings.builder(), graph)
                .imapSource(oldServer.imapEndpoint(), m -> new MailboxCredentials.Password(m.toString(),
                        Secret.of(sourcePassword(m, nonce))), clock)
                .folderMapper(FolderMapper.exchange())
                .spoolDirectory(work.resolve("spool"))
                .memoryThreshold(1024) // spool to disk: the spool files are scanned too
                .retries(1, Duration.ofMillis(10))
                .build();
    }

    private static Bma bma(Path work, String name, Inventory inventory, Clock clock, TransferSettings transfer) {
        return Bma.configure().inventory(inventory).ledgerDirectory(work.resolve("ledger-" + name))
                .outputDirectory(work.resolve("out-" + name)).clock(clock).transfer(transfer).load();
    }

    static String sourcePassword(BmaAddress a, String nonce) {
        return "src-" + nonce + "-" + a.localPart();
    }
}
