package be.cfwb.bma.examples.downstream;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.examples.downstream.SchoolMailboxMigration.Outcome;
import be.cfwb.bma.graph.GraphConnection;
import be.cfwb.bma.graph.GraphCredentials;
import be.cfwb.bma.graph.GraphSettings;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.SampleMailboxes;
import be.cfwb.bma.testing.SampleMessage;
import be.cfwb.bma.testing.graph.GraphStandIn;
import be.cfwb.bma.testing.graph.GraphStandInExtension;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxReport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The downstream project's integration test of its own use of the library, with the toolkit's
 * test support: the old server is GreenMail in-process ({@link GreenMailFixture}), Exchange is
 * the Graph stand-in ({@link GraphStandInExtension}), the old mailboxes are seeded with
 * realistic school mail ({@link SampleMailboxes}) and read back with {@link MailboxInspector}.
 */
class SchoolMailboxMigrationTest {

    private static final String SCHOOL = "ec001394@adm.cfwb.be";
    private static final String ORGANISING_BODY = "po000478@adm.cfwb.be";
    /** In the open data, but never created on Exchange. */
    private static final String NOT_PROVISIONED = "ec095758@adm.cfwb.be";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-09-16T06:00:00Z"), ZoneId.of("Europe/Brussels"));

    @RegisterExtension
    static final GraphStandInExtension EXCHANGE = new GraphStandInExtension().withUser(SCHOOL).withUser(ORGANISING_BODY);

    @TempDir
    Path work;
    private GreenMailFixture oldServer;
    private final Map<String, List<SampleMessage>> seeded = new LinkedHashMap<>();

    private static final int MESSAGES = 10;

    @BeforeEach
    void startTheOldServer() {
        oldServer = GreenMailFixture.start();
    }

    private void seed(String... mailboxes) {
        for (String mailbox : mailboxes) {
            BmaAddress address = BmaAddress.parse(mailbox);
            oldServer.createUser(address, password(address));
            try (MailboxSeeder seeder = oldServer.seeder(address, password(address))) {
                seeded.put(mailbox, SampleMailboxes.seed(seeder, address, MESSAGES));
            }
        }
    }

    @AfterEach
    void stopTheOldServer() {
        oldServer.close();
    }

    private static String password(BmaAddress address) {
        return "old-" + address.localPart();
    }

    private static final CredentialSource OLD_LOGINS =
            mailbox -> new MailboxCredentials.Password(mailbox.toString(), Secret.of(password(mailbox)));

    private static GraphConnection exchange(GraphStandIn standIn) {
        return GraphConnection.open(GraphSettings.builder().credentials(GraphCredentials.staticToken(standIn.token()))
                .baseUrl(standIn.baseUrl()).build());
    }

    private SchoolMailboxMigration migration(GraphConnection exchange) {
        return new SchoolMailboxMigration(work, CLOCK,
                SchoolMailboxMigration.toExchange(oldServer.imapEndpoint(), OLD_LOGINS, exchange, CLOCK)
                        // Tests need not wait out production's back-off before a failure is final.
                        .retries(1, Duration.ofMillis(10)).build());
    }

    /** Every message of the old mailbox with its flags and date: what must never change. */
    private Map<FolderPath, List<MailboxInspector.StoredMessage>> oldMailbox(String mailbox) {
        BmaAddress address = BmaAddress.parse(mailbox);
        Map<FolderPath, List<MailboxInspector.StoredMessage>> content = new LinkedHashMap<>();
        try (MailboxInspector inspector = oldServer.inspector(address, password(address))) {
            for (FolderPath folder : inspector.folders()) {
                content.put(folder, inspector.messages(folder));
            }
        }
        return content;
    }

    @Test
    void plansCopiesAndVerifiesTheSchoolsOnExchange(GraphStandIn standIn) {
        seed(SCHOOL, ORGANISING_BODY);
        Map<FolderPath, List<MailboxInspector.StoredMessage>> before = oldMailbox(SCHOOL);
        try (GraphConnection exchange = exchange(standIn)) {
            Outcome outcome = migration(exchange).migrate(List.of(SCHOOL, ORGANISING_BODY));

            assertThat(outcome.isSuccess()).as(outcome.copy().summaryLine()).isTrue();
            assertThat(outcome.plan().selected()).hasSize(2).allSatisfy(p ->
                    assertThat(p.migrationDate()).isBetween(LocalDate.of(2024, 10, 1), LocalDate.of(2024, 11, 30)));
            for (String mailbox : List.of(SCHOOL, ORGANISING_BODY)) {
                assertThat(standIn.allMessages(mailbox)).hasSize(seeded.get(mailbox).size());
            }
            assertThat(standIn.folderPaths(SCHOOL)).contains("Sent Items");
            assertThat(outcome.verification().report().mailboxes()).allSatisfy(m ->
                    assertThat(m.present()).isEqualTo(m.source()).isEqualTo(MESSAGES));
            assertThat(work.resolve("reports/plan.csv")).isRegularFile();
            assertThat(work.resolve("reports/migrate-report.json")).isRegularFile();
            assertThat(work.resolve("reports/verify-report.json")).isRegularFile();
            // The old mailbox is read-only to the toolkit: not a flag changed, nothing removed.
            assertThat(oldMailbox(SCHOOL)).isEqualTo(before);

            // Run again (the portal's button pressed twice): nothing is copied twice.
            Outcome again = migration(exchange).migrate(List.of(SCHOOL, ORGANISING_BODY));
            assertThat(again.isSuccess()).isTrue();
            assertThat(again.copy().report().copied()).isZero();
            assertThat(standIn.allMessages(SCHOOL)).hasSize(MESSAGES);
        }
    }

    @Test
    void aSchoolMissingOnExchangeIsReportedWhileTheOthersAreMigrated(GraphStandIn standIn) {
        seed(SCHOOL, NOT_PROVISIONED);
        try (GraphConnection exchange = exchange(standIn)) {
            Outcome outcome = migration(exchange).migrate(List.of(SCHOOL, NOT_PROVISIONED));

            assertThat(outcome.isSuccess()).isFalse();
            Map<BmaAddress, MailboxReport> byMailbox = new LinkedHashMap<>();
            outcome.copy().report().mailboxes().forEach(r -> byMailbox.put(r.mailbox(), r));
            assertThat(byMailbox.get(BmaAddress.parse(SCHOOL)).isComplete()).isTrue();
            MailboxReport missing = byMailbox.get(BmaAddress.parse(NOT_PROVISIONED));
            assertThat(missing.isComplete()).isFalse();
            assertThat(missing.problems()).isNotEmpty();
            assertThat(standIn.allMessages(SCHOOL)).hasSize(MESSAGES);
        }
    }

    @Test
    void anAddressOutsideTheOpenDataIsRefusedBeforeAnythingIsDone(GraphStandIn standIn) {
        seed(SCHOOL);
        try (GraphConnection exchange = exchange(standIn)) {
            assertThatThrownBy(() -> migration(exchange).migrate(List.of(SCHOOL, "ec999999@adm.cfwb.be")))
                    .isInstanceOf(BmaException.class)
                    .hasMessageContaining("ec999999@adm.cfwb.be")
                    .satisfies(e -> assertThat(((BmaException) e).code()).isEqualTo(BmaErrorCode.INVALID_ADDRESS));
            assertThat(work.resolve("ledger")).doesNotExist();
            assertThat(standIn.allMessages(SCHOOL)).isEmpty();
        }
    }
}
