package be.cfwb.bma.graph;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.graph.GraphStandIn;
import be.cfwb.bma.testing.graph.StoredAttachment;
import be.cfwb.bma.testing.graph.StoredMessage;
import be.cfwb.bma.transfer.FolderMapper;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.Verifier;
import be.cfwb.bma.transfer.VerifyReport;
import be.cfwb.bma.retry.VirtualSleeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mailbox migrated from an old IMAP server (GreenMail) to Exchange through {@link GraphTarget}
 * and the transfer engine, with the Graph stand-in as Exchange: every message a non-draft in the
 * right folder, with its dates, read state, flag and attachments; verified; a rerun copies
 * nothing; a throttled run ends with the same result.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphTargetTest {

    /** Graph's Retry-After and the engine's backoff pass on virtual time. */
    private final VirtualSleeper sleeper = new VirtualSleeper();

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T08:00:00Z"), ZoneOffset.UTC);
    private static final AtomicInteger NEXT = new AtomicInteger(500);
    private static final int BIG = 20 * 1024 * 1024;

    private GreenMailFixture oldServer;
    private GraphStandIn standIn;
    private GraphConnection graph;
    @TempDir
    Path temp;
    private Ledger ledger;

    @BeforeAll
    void startOldServer() {
        oldServer = GreenMailFixture.start();
    }

    @AfterAll
    void stopOldServer() {
        oldServer.close();
    }

    @BeforeEach
    void start() {
        standIn = GraphStandIn.start();
        graph = connect(GraphSettings.builder());
        ledger = Ledger.open(temp.resolve("ledger"), CLOCK);
    }

    private GraphConnection connect(GraphSettings.Builder b) {
        return GraphConnection.open(b.credentials(GraphCredentials.staticToken(standIn.token()))
                .baseUrl(standIn.baseUrl()).sleeper(sleeper).build());
    }

    @AfterEach
    void stop() {
        ledger.close();
        graph.close();
        standIn.close();
    }

    private static String password(BmaAddress a) {
        return "pw-" + a.localPart();
    }

    private BmaAddress newMailbox() {
        BmaAddress a = BmaAddress.of(BmaKind.EC, NEXT.incrementAndGet());
        oldServer.createUser(a, password(a));
        standIn.addUser(a.toString());
        return a;
    }

    private TransferSettings settings(GraphConnection connection) {
        CredentialSource passwords = mailbox -> new MailboxCredentials.Password(mailbox.toString(),
                Secret.of(password(mailbox)));
        return GraphTarget.configure(TransferSettings.builder(), connection)
                .imapSource(oldServer.imapEndpoint(), passwords, CLOCK)
                .folderMapper(FolderMapper.exchange())
                .parallelism(2)
                .memoryThreshold(256 * 1024)
                .spoolDirectory(temp)
                .retries(3, Duration.ofMillis(10))
                .sleeper(sleeper)
                .build();
    }

    private TransferReport run(TransferSettings settings, BmaAddress a) {
        return new SyncEngine(settings, ledger, CLOCK, TransferListener.NONE).run(List.of(a), Pass.PRESTAGE);
    }

    static final FolderPath INBOX = FolderPath.inbox();
    static final FolderPath NESTED = FolderPath.of("INBOX", "Projets", "Écoles 2024");
    static final FolderPath SENT_FR = FolderPath.of("Éléments envoyés");
    static final FolderPath SLASHED = FolderPath.of("Factures 2023/2024");

    private int seed(BmaAddress a, boolean big) throws Exception {
        try (MailboxSeeder s = oldServer.seeder(a, password(a))) {
            byte[] dup = TestMessage.builder().subject("Circulaire 9358").messageId("dup@cfwb.be").build();
            s.append(INBOX, dup, flags("\\Seen"), Instant.parse("2024-09-30T10:00:00Z"));
            s.append(INBOX, dup, flags(), Instant.parse("2024-09-30T10:00:00Z"));
            s.append(INBOX, TestMessage.builder().subject("Sans Message-ID").build(), flags("\\Flagged", "$Forwarded"),
                    Instant.parse("2024-10-01T08:15:30Z"));
            s.append(INBOX, TestMessage.builder().subject("Réponse").messageId("r1@cfwb.be").build(),
                    flags("\\Seen", "\\Answered"), Instant.parse("2023-01-02T03:04:05Z"));
            s.append(INBOX, TestMails.alternativeLatin1("Comptage – élèves", "<c1@ecole.be>"), flags("\\Seen"),
                    Instant.parse("2024-10-15T06:00:00Z"));
            s.append(INBOX, TestMails.withAttachments("Pièces", 0), flags("\\Seen"), Instant.parse("2024-10-16T06:00:00Z"));
            s.append(NESTED, TestMessage.builder().subject("Projet école").messageId("p1@cfwb.be").build(),
                    flags("\\Draft"), Instant.parse("2022-06-30T23:59:59Z"));
            s.append(SENT_FR, TestMessage.builder().subject("Envoyé").messageId("s1@cfwb.be").build(),
                    flags("\\Seen"), Instant.parse("2024-02-29T12:00:00Z"));
            s.append(SLASHED, TestMessage.builder().subject("Facture").messageId("f1@cfwb.be").build(),
                    flags(), Instant.parse("2024-03-01T00:00:00Z"));
            if (big) {
                s.append(INBOX, TestMessage.builder().subject("Gros fichier").messageId("big@cfwb.be")
                        .attachment(BIG, 42).build(), flags("\\Seen"), Instant.parse("2024-10-20T09:00:00Z"));
            }
        }
        return big ? 10 : 9;
    }

    @Test
    void aMailboxArrivesAsReceivedItemsIsVerifiedAndARerunCopiesNothing() throws Exception {
        BmaAddress a = newMailbox();
        int count = seed(a, true);
        TransferSettings settings = settings(graph);

        TransferReport first = run(settings, a);

        assertThat(first.isComplete()).as(first.summary()).isTrue();
        assertThat(first.copied()).isEqualTo(count);
        List<StoredMessage> all = standIn.allMessages(a.toString());
        assertThat(all).hasSize(count).noneMatch(StoredMessage::isDraft);
        assertThat(all).allSatisfy(m -> assertThat(SourceKey.parse(m.extendedProperty(GraphTarget.SOURCE_KEY_PROPERTY)
                .orElseThrow())).hasValueSatisfying(k -> assertThat(k.mailbox()).isEqualTo(a)));

        List<StoredMessage> inbox = standIn.messages(a.toString(), "Inbox");
        assertThat(inbox).extracting(StoredMessage::subject).containsExactlyInAnyOrder("Circulaire 9358",
                "Circulaire 9358", "Sans Message-ID", "Réponse", "Comptage – élèves", "Pièces", "Gros fichier");
        assertThat(inbox).filteredOn(m -> m.subject().equals("Circulaire 9358")).extracting(StoredMessage::isRead)
                .containsExactlyInAnyOrder(true, false);
        StoredMessage forwarded = one(inbox, "Sans Message-ID");
        assertThat(forwarded.isFlagged()).isTrue();
        assertThat(forwarded.isRead()).isFalse();
        assertThat(forwarded.receivedDateTime()).contains(Instant.parse("2024-10-01T08:15:30Z"));
        assertThat(forwarded.extendedProperty("Integer 0x1081")).contains("104");
        StoredMessage answered = one(inbox, "Réponse");
        assertThat(answered.receivedDateTime()).contains(Instant.parse("2023-01-02T03:04:05Z"));
        assertThat(answered.extendedProperty("Integer 0x1081")).contains("102");
        assertThat(one(inbox, "Comptage – élèves").json().path("body").path("content").asText()).contains("– été");
        assertThat(one(inbox, "Pièces").attachments()).extracting(StoredAttachment::name)
                .contains("circulaire 9358.pdf", "Message transféré");
        StoredAttachment big = one(inbox, "Gros fichier").attachments().get(0);
        assertThat(big.viaUploadSession()).isTrue();
        byte[] expected = new byte[BIG];
        new Random(42).nextBytes(expected);
        assertThat(big.content()).isEqualTo(expected);

        assertThat(standIn.messages(a.toString(), "Inbox/Projets/Écoles 2024")).singleElement()
                .satisfies(m -> assertThat(m.isDraft()).as("\\Draft is recorded, the item is not a draft").isFalse());
        assertThat(standIn.messages(a.toString(), "Sent Items")).extracting(StoredMessage::subject).containsExactly("Envoyé");
        assertThat(standIn.messages(a.toString(), "Factures 2023/2024")).extracting(StoredMessage::subject)
                .containsExactly("Facture");
        assertThat(standIn.peakConcurrency(a.toString())).isLessThanOrEqualTo(4);

        VerifyReport verified = new Verifier(settings, CLOCK).verify(List.of(a));
        assertThat(verified.isSuccess()).as(verified.summary()).isTrue();

        int requestsBefore = standIn.requests().size();
        // The final pass lists every source message again (a pre-stage rerun starts above the high-water UID).
        TransferReport rerun = new SyncEngine(settings, ledger, CLOCK, TransferListener.NONE).run(List.of(a), Pass.FINAL);
        assertThat(rerun.copied()).isZero();
        assertThat(rerun.alreadyPresent()).isEqualTo(count);
        assertThat(standIn.allMessages(a.toString())).hasSize(count);
        assertThat(standIn.requests().subList(requestsBefore, standIn.requests().size()))
                .noneMatch(r -> r.method().equals("POST") || r.method().equals("PATCH"));
    }

    @Test
    void aThrottledRunEndsWithTheSameResult() throws Exception {
        BmaAddress calm = newMailbox();
        BmaAddress busy = newMailbox();
        int count = seed(calm, false);
        seed(busy, false);
        run(settings(graph), calm);

        // 429s the SDK waits out, 503s, and more 429s than it may retry: the engine retries those.
        standIn.throttleNext(3, Duration.ofSeconds(1), "/messages");
        standIn.failNext(2, Duration.ofSeconds(1), "/mailFolders");
        GraphConnection impatient = connect(GraphSettings.builder().maxRetries(1));
        try {
            TransferReport report = run(settings(impatient), busy);

            assertThat(report.isComplete()).as(report.summary()).isTrue();
            assertThat(report.copied()).isEqualTo(count);
            assertThat(report.retries()).as("engine-level retries after the SDK gave up").isPositive();
            assertThat(impatient.stats().throttled()).isEqualTo(3);
            assertThat(impatient.stats().unavailable()).isEqualTo(2);
            // each 429 and 503 counted once, whether the SDK or the engine waited it out, with its wait
            assertThat(report.mailboxes().get(0).throttled()).as(report.summary()).isEqualTo(5);
            assertThat(report.mailboxes().get(0).waited()).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        } finally {
            impatient.close();
        }
        assertThat(standIn.folderPaths(busy.toString())).isEqualTo(standIn.folderPaths(calm.toString()));
        for (String folder : standIn.folderPaths(calm.toString())) {
            assertThat(summary(standIn.messages(busy.toString(), folder)))
                    .as(folder).containsExactlyInAnyOrderElementsOf(summary(standIn.messages(calm.toString(), folder)));
        }
        VerifyReport verified = new Verifier(settings(graph), CLOCK).verify(List.of(busy));
        assertThat(verified.isSuccess()).as(verified.summary()).isTrue();
    }

    @Test
    void anIncompleteCopyLeftByACrashIsNeitherCountedNorKeptAndVerifyChangesNothing() throws Exception {
        BmaAddress a = newMailbox();
        int count = seed(a, false);
        // What a process killed between the create and the completion of a copy leaves behind.
        SourceKey first = new SourceKey(a, FolderPath.inbox(), 1, 1);
        com.microsoft.graph.models.Message leftover = new com.microsoft.graph.models.Message();
        leftover.setSubject("Circulaire 9358");
        leftover.setSingleValueExtendedProperties(List.of(
                GraphMessageWriter.property(MapiProperties.MESSAGE_FLAGS, "1"),
                GraphMessageWriter.property(MapiProperties.SOURCE_KEY, GraphMessageWriter.PENDING + first)));
        graph.client().users().byUserId(a.toString()).mailFolders().byMailFolderId("inbox").messages().post(leftover);
        TransferSettings settings = settings(graph);

        VerifyReport before = new Verifier(settings, CLOCK).verify(List.of(a));
        assertThat(before.isSuccess()).isFalse();
        assertThat(before.missing()).isEqualTo(count);
        assertThat(standIn.allMessages(a.toString())).as("verify changed nothing").hasSize(1);

        TransferReport report = run(settings, a);

        assertThat(report.copied()).isEqualTo(count);
        assertThat(standIn.allMessages(a.toString())).hasSize(count)
                .noneMatch(m -> m.extendedProperty(GraphTarget.SOURCE_KEY_PROPERTY).orElseThrow()
                        .startsWith(GraphMessageWriter.PENDING));
        assertThat(new Verifier(settings, CLOCK).verify(List.of(a)).isSuccess()).isTrue();
    }

    private static List<String> summary(List<StoredMessage> messages) {
        return messages.stream().map(m -> m.subject() + "|" + m.isRead() + "|" + m.isFlagged() + "|"
                + m.receivedDateTime().orElseThrow() + "|" + m.isDraft() + "|" + m.attachments().size()).toList();
    }

    private static StoredMessage one(List<StoredMessage> messages, String subject) {
        return messages.stream().filter(m -> subject.equals(m.subject())).findFirst().orElseThrow();
    }
}
