package be.cfwb.bma.graph;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.notify.NotificationKind;
import be.cfwb.bma.notify.OutgoingMail;
import be.cfwb.bma.notify.SenderIdentity;
import be.cfwb.bma.notify.SenderRole;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.testing.graph.GraphMetadata;
import be.cfwb.bma.testing.graph.GraphStandIn;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.Verifier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What our Graph code sends, held to Microsoft's published Graph v1.0 metadata (the extract in
 * the test resources, {@link GraphMetadata}): a whole migration to the stand-in (nested and
 * localised folders, flags and keywords, read and unread, an HTML message with an inline image,
 * a PDF and a forwarded message, an attachment over 3 MB through an upload session, a rerun and
 * the verification), provisioning, mail 2's password and a sendMail, every request recorded. Each
 * path segment must be a navigation property, a key or a bound action of the type it addresses,
 * each {@code $select}/{@code $expand}/{@code $filter} name a member, each JSON body carry only
 * the addressed type's members (extended properties through {@code singleValueExtendedProperties})
 * with values of their declared types.
 */
@Timeout(120)
class GraphContractTest extends GraphMigrationTestBase {

    private static final GraphMetadata GRAPH = GraphMetadata.load();

    @Test
    void everyRequestOfAMigrationAndItsNotificationsIsInGraphsContract() throws Exception {
        standIn.recordBodies();
        BmaAddress a = mailbox(4242, (s, address) -> {
            try {
                s.append(FolderPath.inbox(), TestMails.withAttachments("Pièces jointes", 3_200_000), flags("\\Seen"),
                        Instant.parse("2024-10-16T06:00:00Z"));
                s.append(FolderPath.inbox(), TestMails.alternativeLatin1("Comptage – élèves", "<c1@ecole.be>"),
                        flags("\\Flagged", "\\Answered", "$Forwarded", "Important"), Instant.parse("2024-09-30T07:45:12Z"));
                s.append(FolderPath.of("INBOX", "Projets", "Écoles 2024"), TestMessage.builder().subject("Projet")
                        .messageId("p1@cfwb.be").build(), flags(), Instant.parse("2022-06-30T23:59:59Z"));
                s.append(FolderPath.of("Éléments envoyés"), TestMessage.builder().subject("Envoyé")
                        .messageId("s1@cfwb.be").build(), flags("\\Seen"), Instant.parse("2024-02-29T12:00:00Z"));
                s.append(FolderPath.of("Brouillons"), TestMessage.builder().subject("Brouillon")
                        .messageId("d1@cfwb.be").build(), flags("\\Draft"), Instant.parse("2024-02-29T12:00:00Z"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        SenderIdentity etnic = SenderIdentity.defaultFor(SenderRole.ETNIC);
        standIn.addUser(etnic.address());
        try (GraphConnection graph = GraphConnection.open(GraphSettings.builder()
                .credentials(GraphCredentials.staticToken(standIn.token())).baseUrl(standIn.baseUrl()).build())) {
            TransferSettings settings = toGraph(graph).retries(2, Duration.ofMillis(10)).build();
            TransferReport first = new SyncEngine(settings, ledger, CLOCK, TransferListener.NONE).run(List.of(a), Pass.PRESTAGE);
            assertThat(first.isComplete()).as(first.summary()).isTrue();
            TransferReport rerun = new SyncEngine(settings, ledger, CLOCK, TransferListener.NONE).run(List.of(a), Pass.FINAL);
            assertThat(rerun.isComplete()).as(rerun.summary()).isTrue();
            assertThat(new Verifier(settings, CLOCK).verify(List.of(a)).isSuccess()).isTrue();
            new GraphCredentialIssuer(graph, d -> { }).issue(a, Secret.of("Nouveau-Mot2Passe!"));
            new GraphNotifier(graph, d -> { }).send(new OutgoingMail(NotificationKind.MAIL2, a, etnic, "Mot de passe",
                    "Bonjour", "<p>Bonjour</p>", "mail2.contract@bma.cfwb.be",
                    ZonedDateTime.of(2024, 10, 21, 9, 0, 0, 0, ZoneId.of("Europe/Brussels"))));
        }

        List<GraphStandIn.RecordedRequest> requests = standIn.requests();
        List<String> violations = new ArrayList<>();
        for (GraphStandIn.RecordedRequest r : requests) {
            violations.addAll(GRAPH.violations(r.method(), r.path(), r.query(), null));
        }
        for (GraphStandIn.RecordedBody b : standIn.bodies()) {
            violations.addAll(GRAPH.violations(b.method(), b.path(), null, b.json()));
        }
        assertThat(violations).as("requests outside Graph v1.0's contract").isEmpty();

        // The run used what it claims to cover, so that an empty list means something.
        Set<String> shapes = requests.stream().map(r -> r.method() + " " + r.path().replaceAll("/users/[^/]+", "/users/U")
                .replaceAll("/(mailFolders|childFolders|messages|attachments)/(?!createUploadSession)[^/$]+", "/$1/ID")).collect(Collectors.toSet());
        assertThat(shapes).contains("POST /v1.0/users/U/mailFolders/ID/messages",
                "POST /v1.0/users/U/messages/ID/attachments/createUploadSession", "PATCH /v1.0/users/U",
                "POST /v1.0/users/U/sendMail");
        assertThat(shapes).anyMatch(s -> s.startsWith("POST") && s.endsWith("/childFolders"));
        assertThat(standIn.bodies()).anyMatch(b -> b.json().contains("singleValueExtendedProperties"))
                .anyMatch(b -> b.json().contains("#microsoft.graph.fileAttachment"))
                .anyMatch(b -> b.json().contains("#microsoft.graph.itemAttachment"))
                .anyMatch(b -> b.json().contains("passwordProfile"));
    }
}
