package be.cfwb.bma;

import be.cfwb.bma.config.SecretResolver;
import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlanFiles;
import be.cfwb.bma.notify.NotificationLinks;
import be.cfwb.bma.notify.NotificationSettings;
import be.cfwb.bma.notify.RateLimit;
import be.cfwb.bma.notify.SmtpNotifier;
import be.cfwb.bma.notify.SmtpSettings;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.TransferSettings;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bad input refused before anything is done: after a first good plan, a rerun with one bad
 * value of each family changes no file of the ledger or of the published plan, sends no mail
 * and creates no folder; a configuration object that refused a key is left as it was.
 */
class ConfigurationNotAppliedTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-09-02T08:00:00Z"), ZoneOffset.UTC);
    private static final BmaAddress EC = BmaAddress.of(BmaKind.EC, 1001);

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.createCopy("127.0.0.1")
            .dynamicPort()).withPerMethodLifecycle(true);

    @TempDir
    Path work;
    private Path ledger;
    private Path output;
    private final Inventory inventory = Inventory.of(List.of(Mailbox.of(EC, "École A"),
            Mailbox.of(BmaAddress.of(BmaKind.PO, 500), "PO C")));

    @BeforeEach
    void planOnce() {
        ledger = work.resolve("ledger");
        output = work.resolve("out");
        Bma.configure().inventory(inventory).ledgerDirectory(ledger).outputDirectory(output).clock(CLOCK).load()
                .plan(MailboxSelection.all());
        assertThat(output.resolve(PlanFiles.JSON)).exists();
    }

    @Test
    void aBadPlanningValueChangesNeitherTheConfigurationNorThePlanNorTheLedger() {
        Map<String, String> before = snapshot();
        BmaConfiguration config = Bma.configure().inventory(inventory).ledgerDirectory(ledger).outputDirectory(output)
                .clock(CLOCK);
        Map<String, String> bad = new HashMap<>(Map.of(BmaProperties.LEDGER, work.resolve("elsewhere").toString(),
                BmaProperties.OUTPUT, work.resolve("elsewhere-out").toString(), BmaProperties.CAPACITY_EC, "40",
                BmaProperties.BLACKOUTS, "ec@2024-11-05=Comptage;xx@2024-11-06=Autre"));

        assertThatThrownBy(() -> config.properties(bad)).isInstanceOf(BmaException.class)
                .hasMessageStartingWith(BmaProperties.BLACKOUTS + " 'ec@2024-11-05=Comptage;xx@2024-11-06=Autre'")
                .hasMessageContaining("kind 'xx'");

        Bma bma = config.load();
        assertThat(bma.ledgerDirectory()).as("not half-applied").isEqualTo(ledger);
        assertThat(bma.outputDirectory()).isEqualTo(output);
        assertThat(work.resolve("elsewhere")).doesNotExist();
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aBadTemplateOrNotifyKeySendsNoMailAndWritesNothing() throws IOException {
        Map<String, String> before = snapshot();
        Path templates = Files.createDirectories(work.resolve("templates"));
        Files.writeString(templates.resolve("mail1.txt"), "Bonjour {{nom_ecole}},\n", StandardCharsets.UTF_8);

        for (Map<String, String> properties : List.of(Map.of(BmaProperties.NOTIFY_TEMPLATES, templates.toString()),
                Map.of(BmaProperties.NOTIFY_RATE, "trente"))) {
            assertThatThrownBy(() -> Bma.configure().inventory(inventory).ledgerDirectory(ledger).outputDirectory(output)
                    .clock(CLOCK).notifications(NotificationSettings.builder().read(BmaSettingsReader.of(properties))
                            .links(NotificationLinks.of("https://outlook.office.com/mail/", "https://e.be/1", "https://e.be/2"))
                            .notifier(new SmtpNotifier(SmtpSettings.loopback(SMTP.getSmtp().getPort())))
                            .rateLimit(new RateLimit(600, 10_000)).build())
                    .load().notify(MailboxSelection.all(), java.time.LocalDate.of(2024, 11, 29)))
                    .isInstanceOf(BmaException.class)
                    .hasMessageContaining(properties.keySet().iterator().next().equals(BmaProperties.NOTIFY_RATE)
                            ? "bma.notify.rate 'trente'" : "mail1.txt, line 1: unknown placeholder {{nom_ecole}}");
        }

        assertThat(SMTP.getReceivedMessages()).as("no mail sent").isEmpty();
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aBadCredentialsLineCreatesNoFolderAndNeverShowsAPassword() throws IOException {
        Map<String, String> before = snapshot();
        try (GreenMailFixture target = GreenMailFixture.start()) {
            target.createUser(EC, "Target-pass-1");
            Path credentials = Files.writeString(work.resolve("target.txt"),
                    EC + ";Target-pass-1\npo000500@adm.cfwb.be Pass-without-separator\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(credentials, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Map<String, String> properties = Map.of(BmaProperties.SOURCE_URL, target.imapEndpoint().toString(),
                    BmaProperties.TARGET_URL, target.imapEndpoint().toString(),
                    BmaProperties.SOURCE_CREDENTIALS, credentials.toString(),
                    BmaProperties.TARGET_CREDENTIALS, credentials.toString());

            assertThatThrownBy(() -> Bma.configure().inventory(inventory).ledgerDirectory(ledger).outputDirectory(output)
                    .clock(CLOCK).transfer(TransferSettings.from(BmaSettingsReader.of(properties), SecretResolver.none(), CLOCK)
                            .build()).load().migrate(MailboxSelection.all(), be.cfwb.bma.transfer.Pass.PRESTAGE))
                    .isInstanceOf(BmaException.class)
                    .hasMessageContaining(BmaProperties.SOURCE_CREDENTIALS + ": Credentials file " + credentials)
                    .hasMessageContaining("line 2: no ';' between address and password")
                    .message().doesNotContain("Pass-without-separator").doesNotContain("Target-pass-1");

            try (MailboxInspector box = target.inspector(EC, "Target-pass-1")) {
                assertThat(box.folders()).containsExactly(FolderPath.inbox());
            }
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    /** Every file under the ledger and output directories, with the SHA-256 of its bytes. */
    private Map<String, String> snapshot() {
        Map<String, String> files = new TreeMap<>();
        for (Path root : List.of(ledger, output)) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                    files.put(work.relativize(p).toString(), HexFormat.of().formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return files;
    }
}
