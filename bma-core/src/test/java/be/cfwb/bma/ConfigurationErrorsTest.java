package be.cfwb.bma;

import be.cfwb.bma.calendar.PlanFiles;
import be.cfwb.bma.calendar.PlanningSettings;
import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.config.SecretResolver;
import be.cfwb.bma.config.TestProperties;
import be.cfwb.bma.cutover.CutoverHook;
import be.cfwb.bma.notify.NotificationSettings;
import be.cfwb.bma.notify.SmtpSettings;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferSettings;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every input ops give, one bad value at a time: the error is one {@link BmaException} whose
 * message names the input (the property key, or the file and its line), the field and the bad
 * value — except a secret, which is never echoed, not even when it was typed in the wrong field.
 * The inventory has its own tests ({@code address.*}); what must not be half-applied (ledger,
 * mails, folders) is in {@link ConfigurationNotAppliedTest}.
 */
class ConfigurationErrorsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-09-02T08:00:00Z"), ZoneOffset.UTC);

    @TempDir
    static Path dir;

    /** One bad input: what is tried, what the message must say and what it must never say. */
    record Case(String input, ThrowingCallable attempt, List<String> names, List<String> secrets) {
        @Override
        public String toString() {
            return input;
        }
    }

    static Path credentials;
    static Path sizes;
    static Path templates;
    static Path unclosedTemplates;
    static Path mail2WithoutPassword;
    static Path misspeltTemplates;
    static Path corruptPlan;
    static Path truncatedPlan;

    @BeforeAll
    static void files() throws IOException {
        credentials = write("credentials-source.txt", """
                # comptes de l'ancien serveur
                ec001234@adm.cfwb.be;S3cret-one
                ec001235@adm.cfwb.be S3cret-two
                Hunter-2-swapped;ec001236@adm.cfwb.be
                ec001237@adm.cfwb.be;
                ec001234@adm.cfwb.be;S3cret-three
                """);
        sizes = write("sizes.csv", """
                address,bytes
                ec001234@adm.cfwb.be,1024
                ec001235@adm.cfwb.be,12 Mo
                ec00x@adm.cfwb.be,5
                """);
        templates = Files.createDirectories(dir.resolve("templates"));
        Files.writeString(templates.resolve("mail1.txt"), "Bonjour,\n\nVotre boîte {{address}} migre le\n{{date_migration}}.\n",
                StandardCharsets.UTF_8);
        unclosedTemplates = Files.createDirectories(dir.resolve("templates-unclosed"));
        Files.writeString(unclosedTemplates.resolve("mail3.html"), "<p>Bonjour</p>\n<p>Lien : {{interface_url</p>\n",
                StandardCharsets.UTF_8);
        mail2WithoutPassword = Files.createDirectories(dir.resolve("templates-mail2"));
        Files.writeString(mail2WithoutPassword.resolve("mail2.txt"), "Votre nouveau mot de passe vous sera communiqué.\n",
                StandardCharsets.UTF_8);
        misspeltTemplates = Files.createDirectories(dir.resolve("templates-misspelt"));
        Files.writeString(misspeltTemplates.resolve("mail1.subjet.txt"), "Migration\n", StandardCharsets.UTF_8);
        corruptPlan = Files.createDirectories(dir.resolve("plan-corrupt"));
        Files.writeString(corruptPlan.resolve(PlanFiles.JSON), "{\"format\": \"bma-plan/1\", \"mailboxes\": [\n  {\"address\": ",
                StandardCharsets.UTF_8);
        truncatedPlan = Files.createDirectories(dir.resolve("plan-foreign"));
        Files.writeString(truncatedPlan.resolve(PlanFiles.JSON), "[1, 2, 3]\n", StandardCharsets.UTF_8);
    }

    private static Path write(String name, String content) throws IOException {
        // Owner-only, as a credentials file must be; harmless for the others.
        return Files.setPosixFilePermissions(Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    static Stream<Case> cases() {
        return Stream.of(
                // Credentials files: file, line, field; never the password, even one typed in the address field.
                new Case("credentials file", () -> transfer(Map.of(BmaProperties.SOURCE_CREDENTIALS, credentials.toString())),
                        List.of(credentials.toString(), BmaProperties.SOURCE_CREDENTIALS, "line 3: no ';' between address and password",
                                "line 4: the address is not a BMA address", "line 5: the password of ec001237@adm.cfwb.be is empty",
                                "line 6: ec001234@adm.cfwb.be appears twice"),
                        List.of("S3cret", "Hunter-2")),
                new Case("credentials file missing", () -> transfer(Map.of(BmaProperties.TARGET_CREDENTIALS,
                        dir.resolve("absent.txt").toString())),
                        List.of(BmaProperties.TARGET_CREDENTIALS, dir.resolve("absent.txt").toString(), "cannot be read"), List.of()),
                // Servers.
                new Case(BmaProperties.SOURCE_URL, () -> transfer(Map.of(BmaProperties.SOURCE_URL, "imaps://admin:Geheim-77@old.cfwb.be")),
                        List.of(BmaProperties.SOURCE_URL, "imaps://***@old.cfwb.be", "user or password"), List.of("Geheim-77", "admin")),
                new Case(BmaProperties.TARGET_URL, () -> transfer(Map.of(BmaProperties.TARGET_URL, "outlook.office365.com:993")),
                        List.of(BmaProperties.TARGET_URL, "'outlook.office365.com:993'"), List.of()),
                new Case(BmaProperties.TARGET, () -> transfer(Map.of(BmaProperties.TARGET, "ews")),
                        List.of(BmaProperties.TARGET, "'ews'", "imap or graph"), List.of()),
                new Case(BmaProperties.PARALLELISM, () -> transfer(Map.of(BmaProperties.PARALLELISM, "quatre")),
                        List.of(BmaProperties.PARALLELISM, "'quatre'"), List.of()),
                new Case(BmaProperties.PARALLELISM + " range", () -> transfer(Map.of(BmaProperties.PARALLELISM, "0")),
                        List.of(BmaProperties.PARALLELISM, "0", "1 to 64"), List.of()),
                new Case(BmaProperties.CONNECTIONS_PER_MAILBOX + " range", () -> transfer(Map.of(
                        BmaProperties.CONNECTIONS_PER_MAILBOX, "12")),
                        List.of(BmaProperties.CONNECTIONS_PER_MAILBOX, "12", "1 to 8"), List.of()),
                new Case(BmaProperties.FURTHER_CONNECTIONS_FROM_MS + " range", () -> transfer(Map.of(
                        BmaProperties.FURTHER_CONNECTIONS_FROM_MS, "-5")),
                        List.of(BmaProperties.FURTHER_CONNECTIONS_FROM_MS, "-5", "0 (always) to 10000 ms"), List.of()),
                new Case(BmaProperties.FURTHER_CONNECTIONS_FROM_MS, () -> transfer(Map.of(
                        BmaProperties.FURTHER_CONNECTIONS_FROM_MS, "5ms")),
                        List.of(BmaProperties.FURTHER_CONNECTIONS_FROM_MS, "'5ms'"), List.of()),
                new Case(BmaProperties.FOLDER_MAPPING, () -> transfer(Map.of(BmaProperties.FOLDER_MAPPING, "flat")),
                        List.of(BmaProperties.FOLDER_MAPPING, "'flat'", "exchange", "preserve"), List.of()),
                new Case(BmaProperties.TARGET_MAX_MESSAGE_SIZE, () -> transfer(Map.of(BmaProperties.TARGET_MAX_MESSAGE_SIZE, "35MB")),
                        List.of(BmaProperties.TARGET_MAX_MESSAGE_SIZE, "'35MB'"), List.of()),
                new Case(BmaProperties.SOURCE_TRUST_CERTIFICATE, () -> transfer(Map.of(BmaProperties.SOURCE_TRUST_CERTIFICATE,
                        credentials.toString())),
                        List.of(BmaProperties.SOURCE_TRUST_CERTIFICATE, credentials.toString()), List.of("S3cret", "Hunter-2")),
                new Case(BmaProperties.PASS, () -> Pass.parse("delta"),
                        List.of(BmaProperties.PASS, "'delta'", "prestage", "final"), List.of()),
                new Case(BmaProperties.MAILBOXES, () -> be.cfwb.bma.address.MailboxSelection.parse("ec001234,ec12x"),
                        List.of(BmaProperties.MAILBOXES, "ec12x"), List.of()),
                // Planning: calendar inputs, capacities, times, announced dates.
                planning(BmaProperties.WINDOW_EC, "2024-11-31..2024-12-20", "2024-11-31"),
                planning(BmaProperties.WINDOW_PO, "2024-10-25..2024-10-01", "ends before it starts"),
                planning(BmaProperties.CAPACITY_EC, "beaucoup", "'beaucoup'"),
                planning(BmaProperties.CAPACITY_PO, "0", "at least 1"),
                planning(BmaProperties.SCHOOL_HOLIDAYS_EC, "oui", "'oui'"),
                planning(BmaProperties.LEAD_DAYS, "90", "between 1 and 60"),
                planning(BmaProperties.MAIL2_TIME, "25:00", "'25:00'"),
                planning(BmaProperties.MAILS_PER_HOUR, "0", "at least 1"),
                planning(BmaProperties.CLOSED_DAYS, "Grève=2024-11-12;Fête=2024-13-01", "2024-13-01"),
                planning(BmaProperties.SCHOOL_CALENDAR, "Toussaint=2024-10-21..2024-11-03;=2024-12-23..2025-01-03", "no name"),
                planning(BmaProperties.BLACKOUTS, "ec@2024-10-01..2024-10-04=Comptage;xx@2024-11-05=Autre", "kind 'xx'"),
                planning(BmaProperties.VOLUME_PER_DAY_EC, "1,5", "'1,5'"),
                planning(BmaProperties.KEEP_TOGETHER, "po000478,ec001234", "ec001234"),
                planning(BmaProperties.KEEP_TOGETHER, "po000478,po12x", "po12x"),
                planning(BmaProperties.ANNOUNCE_FROM, "04/11/2024", "'04/11/2024'"),
                new Case("mailbox sizes file", () -> planningProperties(Map.of(BmaProperties.MAILBOX_SIZES, sizes.toString())),
                        List.of(BmaProperties.MAILBOX_SIZES, sizes.toString(), "line 3: bytes '12 Mo' is not a whole number", "line 4"),
                        List.of()),
                // Notifications: templates and bma.notify.* keys.
                new Case("template placeholder", () -> NotificationSettings.builder().templateDirectory(templates).build(),
                        List.of(templates.resolve("mail1.txt").toString(), "line 4", "{{date_migration}}"), List.of()),
                new Case("template unclosed", () -> NotificationSettings.builder().templateDirectory(unclosedTemplates).build(),
                        List.of(unclosedTemplates.resolve("mail3.html").toString(), "line 2", "never closed"), List.of()),
                new Case("template mail 2 without password", () -> NotificationSettings.builder()
                        .templateDirectory(mail2WithoutPassword).build(),
                        List.of(mail2WithoutPassword.resolve("mail2.txt").toString(), "{{password}}"), List.of()),
                new Case("template misspelt", () -> NotificationSettings.builder().templateDirectory(misspeltTemplates).build(),
                        List.of(misspeltTemplates.resolve("mail1.subjet.txt").toString(), "mail1.subject.txt"), List.of()),
                new Case(BmaProperties.NOTIFY_TEMPLATES, () -> notifyProperties(BmaProperties.NOTIFY_TEMPLATES,
                        dir.resolve("no-such-dir").toString()),
                        List.of(BmaProperties.NOTIFY_TEMPLATES, dir.resolve("no-such-dir").toString()), List.of()),
                notify(BmaProperties.NOTIFY_RATE, "30 par minute"),
                notify(BmaProperties.NOTIFY_INTERFACE_URL, "http://outlook.office.com"),
                notify(BmaProperties.NOTIFY_TUTORIAL1_URL, "https://exemple be/tuto 1"),
                notify(BmaProperties.NOTIFY_SGNE_ADDRESS, "migrationBMA at cfwb.be"),
                notify(BmaProperties.NOTIFY_ETNIC_REPLY_TO, "support@etnic"),
                new Case(BmaProperties.NOTIFY_TRANSPORT, () -> NotificationSettings.transport(BmaSettingsReader.of(Map.of(
                        BmaProperties.NOTIFY_TRANSPORT, "grpah"))),
                        List.of(BmaProperties.NOTIFY_TRANSPORT, "'grpah'", "smtp or graph"), List.of()),
                smtp(BmaProperties.SMTP_PORT, "submission"),
                smtp(BmaProperties.SMTP_PORT, "70000"),
                smtp(BmaProperties.SMTP_SECURITY, "ssl"),
                smtp(BmaProperties.SMTP_ALLOW_PLAINTEXT, "oui"),
                // Graph: bad values named, the client secret never.
                new Case(BmaProperties.GRAPH_BASE_URL, () -> TestProperties.graph(Map.of(BmaProperties.GRAPH_BASE_URL,
                        "http://graph.microsoft.com/v1.0")),
                        List.of(BmaProperties.GRAPH_BASE_URL, "https"), List.of()),
                new Case(BmaProperties.GRAPH_MAX_MESSAGE_SIZE, () -> TestProperties.graph(Map.of(
                        BmaProperties.GRAPH_MAX_MESSAGE_SIZE, "grand")),
                        List.of(BmaProperties.GRAPH_MAX_MESSAGE_SIZE, "'grand'"), List.of()),
                new Case(BmaProperties.GRAPH_CONCURRENCY, () -> TestProperties.graph(Map.of(BmaProperties.GRAPH_CONCURRENCY,
                        "deux")),
                        List.of(BmaProperties.GRAPH_CONCURRENCY, "'deux'"), List.of()),
                new Case(BmaProperties.GRAPH_CLIENT_SECRET, () -> TestProperties.graph(Map.of(BmaProperties.GRAPH_CLIENT_SECRET,
                        "Xy7~clientSecretValue", BmaProperties.GRAPH_CLIENT_ID, "11111111-2222-3333-4444-555555555555")),
                        List.of(BmaProperties.GRAPH_TENANT), List.of("Xy7~clientSecretValue")),
                new Case(BmaProperties.GRAPH_CLIENT_SECRET + " as a property", () -> BmaSettingsReader.of(Map.of(
                        BmaProperties.GRAPH_CLIENT_SECRET, "Xy7~clientSecretValue")),
                        List.of(BmaProperties.GRAPH_CLIENT_SECRET, "secret resolver"), List.of("Xy7~clientSecretValue")),
                // Cutover hook (bma.cutover.command, bma.cutover.timeoutSeconds).
                new Case("bma.cutover.command", () -> CutoverHook.parse("   ", dir, Duration.ofSeconds(120)),
                        List.of("bma.cutover.command", "empty"), List.of()),
                new Case("bma.cutover.timeoutSeconds", () -> CutoverHook.parse("switch-routing {address}", dir, Duration.ZERO),
                        List.of("bma.cutover.timeoutSeconds", "0"), List.of()),
                // Plan files read back (the published plan, mail 1's commitments).
                new Case("plan file corrupt", () -> PlanFiles.previousDates(corruptPlan),
                        List.of(corruptPlan.resolve(PlanFiles.JSON).toString(), "line: 2"), List.of()),
                new Case("plan file foreign", () -> PlanFiles.previousDates(truncatedPlan),
                        List.of(truncatedPlan.resolve(PlanFiles.JSON).toString()), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aBadInputIsNamedWithItsFieldAndValueAndNoSecret(Case c) {
        var thrown = assertThatThrownBy(c.attempt()).isInstanceOf(BmaException.class);
        for (String name : c.names()) {
            thrown.hasMessageContaining(name);
        }
        for (String secret : c.secrets()) {
            thrown.message().doesNotContain(secret);
        }
        thrown.satisfies(e -> {
            for (String secret : c.secrets()) {
                org.assertj.core.api.Assertions.assertThat(String.valueOf(e)).doesNotContain(secret);
                org.assertj.core.api.Assertions.assertThat(String.valueOf(e.getCause())).doesNotContain(secret);
            }
        });
    }

    private static Case planning(String key, String value, String detail) {
        return new Case(key + "=" + value, () -> planningProperties(Map.of(key, value)),
                List.of(key, detail), List.of());
    }

    private static Case notify(String key, String value) {
        return new Case(key + "=" + value, () -> notifyProperties(key, value), List.of(key, "'" + value + "'"), List.of());
    }

    private static Case smtp(String key, String value) {
        Map<String, String> p = new HashMap<>(Map.of(BmaProperties.SMTP_HOST, "smtp.cfwb.be"));
        p.put(key, value);
        return new Case(key + "=" + value, () -> SmtpSettings.from(BmaSettingsReader.of(p), Optional.empty()),
                List.of(key, "'" + value + "'"), List.of());
    }

    private static void planningProperties(Map<String, String> properties) {
        Bma.configure().properties(properties);
        PlanningSettings.defaults2024().toBuilder().read(BmaSettingsReader.of(properties)).build();
    }

    private static void notifyProperties(String key, String value) {
        NotificationSettings.builder().read(BmaSettingsReader.of(Map.of(key, value))).build();
    }

    /** Transfer settings from valid keys plus {@code bad}. */
    private static void transfer(Map<String, String> bad) {
        Map<String, String> p = new HashMap<>();
        p.put(BmaProperties.SOURCE_URL, "imaps://imap.old.cfwb.be:993");
        p.put(BmaProperties.TARGET_URL, "imaps://outlook.office365.com:993");
        p.put(BmaProperties.SOURCE_CREDENTIALS, dir.resolve("unused-source.txt").toString());
        p.put(BmaProperties.TARGET_CREDENTIALS, dir.resolve("unused-target.txt").toString());
        p.putAll(bad);
        try {
            for (String f : List.of("unused-source.txt", "unused-target.txt")) {
                if (!Files.exists(dir.resolve(f))) {
                    write(f, "ec001234@adm.cfwb.be;Ok-password-1\n");
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        TransferSettings.from(BmaSettingsReader.of(p), SecretResolver.none(), CLOCK).build();
    }
}
