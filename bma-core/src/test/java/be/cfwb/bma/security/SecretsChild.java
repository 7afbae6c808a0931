package be.cfwb.bma.security;

import be.cfwb.bma.Bma;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.credentials.CredentialIssuer;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.cutover.CutoverHook;
import be.cfwb.bma.lifecycle.RunListener;
import be.cfwb.bma.lifecycle.RunResult;
import be.cfwb.bma.notify.NotificationLinks;
import be.cfwb.bma.notify.NotificationSettings;
import be.cfwb.bma.notify.SmtpNotifier;
import be.cfwb.bma.notify.SmtpSettings;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.SampleMailboxes;
import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.TransferSettings;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A whole migration and notification cycle ({@code Bma.run} day after day: mails 1-4, the
 * mail-2 password, pre-stage, cutover, final pass, verify, reports) in a JVM of its own, so
 * that DEBUG logging is on from the first logger. Arguments: the work directory (ledger,
 * output, spool) and the file, outside it, where the secrets used are written for the parent
 * to look for.
 */
public final class SecretsChild {

    static final List<BmaAddress> MAILBOXES = List.of(BmaAddress.parse("ec001394@adm.cfwb.be"),
            BmaAddress.parse("po000478@adm.cfwb.be"));

    private SecretsChild() {
    }

    @SuppressWarnings("try") // a login that must fail: the session is never used
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path secretsFile = Path.of(args[1]);
        String nonce = args[2];
        Map<BmaAddress, String> issued = new ConcurrentHashMap<>();
        System.out.println("DEBUG-ENABLED " + org.slf4j.LoggerFactory.getLogger(Bma.class).isDebugEnabled()
                + " " + org.slf4j.LoggerFactory.getLogger("be.cfwb.bma.transfer.imap.ImapSession").isDebugEnabled());
        GreenMail oldServer = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)});
        oldServer.start();
        GreenMailFixture oldImap = GreenMailFixture.over(oldServer);
        GreenMailFixture newServer = GreenMailFixture.start();
        try {
            for (BmaAddress a : MAILBOXES) {
                oldServer.setUser(a.toString(), a.toString(), sourcePassword(a, nonce));
                newServer.createUser(a, targetPassword(a, nonce));
                try (MailboxSeeder seeder = MailboxSeeder.connect(oldImap.imapEndpoint(), a.toString(), sourcePassword(a, nonce))) {
                    SampleMailboxes.seed(seeder, a, 3);
                }
            }
            Clock clock = Clock.fixed(Instant.parse("2024-09-30T06:00:00Z"), ZoneId.of("Europe/Brussels"));
            CredentialIssuer issuer = new CredentialIssuer() {
                @Override
                public void issue(BmaAddress mailbox, Secret password) {
                    issued.put(mailbox, password.reveal());
                }

                @Override
                public String description() {
                    return "recording issuer";
                }
            };
            NotificationSettings notifications = NotificationSettings.builder()
                    .links(NotificationLinks.of("https://outlook.office.com/mail/", "https://enseignement.be/t1",
                            "https://enseignement.be/t2"))
                    .notifier(new SmtpNotifier(SmtpSettings.loopback(oldServer.getSmtp().getPort()), d -> { }))
                    .sleeper(d -> { })
                    .credentialIssuer(issuer)
                    .build();
            TransferSettings transfer = TransferSettings.builder()
                    .imapSource(oldImap.imapEndpoint(), credentials(true, nonce), clock)
                    .imapTarget(newServer.imapEndpoint(), credentials(false, nonce), clock)
                    .folderMapper(FolderMapper.exchange())
                    .spoolDirectory(work.resolve("spool"))
                    .memoryThreshold(1024) // spool to disk: the spool files are scanned too
                    .retries(2, Duration.ofMillis(10))
                    .build();
            Inventory inventory = Inventory.of(MAILBOXES.stream().map(a -> Mailbox.of(a, "École " + a.localPart())).toList());
            Bma bma = Bma.configure().inventory(inventory).ledgerDirectory(work.resolve("ledger"))
                    .outputDirectory(work.resolve("out")).clock(clock).allowFutureDate(true).notifications(notifications).transfer(transfer).load();
            TreeSet<LocalDate> days = new TreeSet<>();
            for (PlannedMailbox p : bma.plan(MailboxSelection.all()).plan().mailboxes()) {
                days.add(p.mailDate(1));
                days.add(p.migrationDate());
            }
            RunResult last = null;
            for (LocalDate day : days) {
                last = bma.run(day, MailboxSelection.all(), Optional.of(CutoverHook.parse("true", work, Duration.ofSeconds(10))),
                        RunListener.NONE);
            }
            System.out.println("RESULT " + (last != null && last.isSuccess()) + " verified=" + (last == null ? 0 : last.verified()));
            // a wrong password: the error must not carry it either
            try (var s = TransferSettings.builder().imapSource(oldImap.imapEndpoint(), m -> new MailboxCredentials.Password(
                    m.toString(), Secret.of("wrong-" + nonce)), clock).imapTarget(newServer.imapEndpoint(), credentials(false, nonce), clock)
                    .build().source().open(MAILBOXES.get(0))) {
                System.out.println("UNEXPECTED login with a wrong password");
            } catch (RuntimeException e) {
                System.out.println("WRONG-PASSWORD " + e.getMessage());
                e.printStackTrace(System.out);
            }
            List<String> secrets = new ArrayList<>();
            for (BmaAddress a : MAILBOXES) {
                secrets.add(sourcePassword(a, nonce));
                secrets.add(targetPassword(a, nonce));
            }
            secrets.add("wrong-" + nonce);
            secrets.addAll(issued.values());
            Files.writeString(secretsFile, String.join("\n", secrets) + "\n", StandardCharsets.UTF_8);
        } finally {
            oldImap.close();
            newServer.close();
        }
    }

    static String sourcePassword(BmaAddress a, String nonce) {
        return "src-" + nonce + "-" + a.localPart();
    }

    static String targetPassword(BmaAddress a, String nonce) {
        return "tgt-" + nonce + "-" + a.localPart();
    }

    private static CredentialSource credentials(boolean source, String nonce) {
        return m -> new MailboxCredentials.Password(m.toString(), Secret.of(source ? sourcePassword(m, nonce) : targetPassword(m, nonce)));
    }
}
