package be.cfwb.bma.graph;

import be.cfwb.bma.testing.graph.GraphStandIn;
import be.cfwb.bma.testing.graph.StoredAttachment;
import be.cfwb.bma.testing.graph.StoredMessage;
import be.cfwb.bma.retry.VirtualSleeper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JSON path of a message into Exchange, checked on what the stand-in stored. */
class GraphMessageWriterTest {

    private static final String BOX = "ec001394@adm.cfwb.be";
    private static final Instant INTERNAL = Instant.parse("2024-09-30T07:46:03Z");

    private GraphStandIn standIn;
    private GraphConnection graph;
    private GraphMessageWriter writer;
    private String inbox;

    @BeforeEach
    void start() {
        standIn = GraphStandIn.start();
        standIn.addUser(BOX);
        graph = connect(GraphSettings.builder());
        writer = new GraphMessageWriter(graph, BOX);
        inbox = new FolderResolver(graph, BOX).ensure(FolderSpec.wellKnown("inbox"));
    }

    private GraphConnection connect(GraphSettings.Builder b) {
        return GraphConnection.open(b.credentials(GraphCredentials.staticToken(standIn.token()))
                .baseUrl(standIn.baseUrl()).sleeper(new VirtualSleeper()).build());
    }

    @AfterEach
    void stop() {
        graph.close();
        standIn.close();
    }

    private static GraphMessageWriter.Copy copy(String key, byte[] mime, boolean seen, boolean flagged, boolean answered) {
        return new GraphMessageWriter.Copy(key, mime.length, seen, flagged, answered, false, INTERNAL, null,
                () -> new ByteArrayInputStream(mime));
    }

    @Test
    void aReadFlaggedAnsweredMessageArrivesAsAReceivedItemWithItsDatesAndHeaders() throws Exception {
        byte[] mime = TestMails.alternativeLatin1("Comptage des élèves – octobre", "<abc.123@ecole-exemple.be>");

        GraphMessageWriter.Result result = writer.write(inbox, copy("k1", mime, true, true, true));

        assertThat(result.isWritten()).isTrue();
        StoredMessage m = standIn.messages(BOX, "inbox").get(0);
        assertThat(m.isDraft()).isFalse();
        assertThat(m.isRead()).isTrue();
        assertThat(m.isFlagged()).isTrue();
        assertThat(m.receivedDateTime()).contains(INTERNAL);
        assertThat(m.sentDateTime()).contains(TestMails.DATE);
        assertThat(m.subject()).isEqualTo("Comptage des élèves – octobre");
        assertThat(m.extendedProperty(MapiProperties.SOURCE_KEY)).contains("k1");
        assertThat(m.extendedProperty(MapiProperties.MESSAGE_FLAGS)).contains("1");
        assertThat(m.extendedProperty(MapiProperties.LAST_VERB)).contains("102");
        ObjectNode json = m.json();
        assertThat(json.path("body").path("contentType").asText()).isEqualToIgnoringCase("html");
        assertThat(json.path("body").path("content").asText()).contains("<b>42</b> – été");
        assertThat(json.path("from").path("emailAddress").path("name").asText()).isEqualTo("Secrétariat École");
        assertThat(json.path("toRecipients").get(0).path("emailAddress").path("address").asText())
                .isEqualTo("ec001394@adm.cfwb.be");
        assertThat(json.path("ccRecipients").get(0).path("emailAddress").path("address").asText())
                .isEqualTo("direction@ecole-exemple.be");
        assertThat(json.path("bccRecipients").get(0).path("emailAddress").path("address").asText())
                .isEqualTo("archives@cfwb.be");
        assertThat(json.path("replyTo").get(0).path("emailAddress").path("address").asText())
                .isEqualTo("reponses@ecole-exemple.be");
        assertThat(json.path("importance").asText()).isEqualTo("high");
        assertThat(json.path("internetMessageId").asText()).isEqualTo("<abc.123@ecole-exemple.be>");
    }

    @Test
    void unreadWithoutFlagsStaysUnreadAndNotADraft() throws Exception {
        byte[] mime = TestMails.alternativeLatin1("Non lu", null);
        writer.write(inbox, copy("k2", mime, false, false, false));
        StoredMessage m = standIn.messages(BOX, "inbox").get(0);
        assertThat(m.isDraft()).isFalse();
        assertThat(m.isRead()).isFalse();
        assertThat(m.isFlagged()).isFalse();
        assertThat(m.extendedProperty(MapiProperties.MESSAGE_FLAGS)).contains("0");
        assertThat(m.extendedProperty(MapiProperties.LAST_VERB)).isEmpty();
    }

    @Test
    void attachmentsInlineNestedAndTwentyMegabytesThroughAnUploadSession() throws Exception {
        int big = 20 * 1024 * 1024;
        byte[] mime = TestMails.withAttachments("Pièces jointes", big);

        GraphMessageWriter.Result result = writer.write(inbox, copy("k3", mime, true, false, false));

        assertThat(result.isWritten()).as(String.valueOf(result.refusal())).isTrue();
        StoredMessage m = standIn.messages(BOX, "inbox").get(0);
        assertThat(m.isDraft()).isFalse();
        assertThat(m.extendedProperty(MapiProperties.SOURCE_KEY)).as("complete, not pending").contains("k3");
        assertThat(m.json().path("body").path("content").asText()).contains("cid:logo@ecole");
        List<StoredAttachment> atts = m.attachments();
        assertThat(atts).extracting(StoredAttachment::name)
                .containsExactlyInAnyOrder("part-1.png", "circulaire 9358.pdf", "Message transféré", "archives.zip");
        StoredAttachment logo = atts.stream().filter(a -> a.name().equals("part-1.png")).findFirst().orElseThrow();
        assertThat(logo.isInline()).isTrue();
        assertThat(logo.contentIdValue()).contains("logo@ecole");
        StoredAttachment pdf = atts.stream().filter(a -> a.name().startsWith("circulaire")).findFirst().orElseThrow();
        assertThat(pdf.content()).isEqualTo(TestMails.random(50_000, 1));
        StoredAttachment nested = atts.stream().filter(StoredAttachment::isItem).findFirst().orElseThrow();
        assertThat(nested.item().path("subject").asText()).isEqualTo("Message transféré");
        assertThat(nested.item().path("body").path("content").asText()).contains("message d'origine");
        StoredAttachment zip = atts.stream().filter(a -> a.name().equals("archives.zip")).findFirst().orElseThrow();
        assertThat(zip.viaUploadSession()).isTrue();
        assertThat(zip.size()).isEqualTo(big);
        assertThat(zip.content()).isEqualTo(TestMails.random(big, 2));
        assertThat(standIn.requests()).filteredOn(r -> r.path().startsWith("/upload/"))
                .hasSize((big + graph.settings().uploadChunkSize() - 1) / graph.settings().uploadChunkSize())
                .allSatisfy(r -> assertThat(r.bearer()).as("pre-authenticated URL: no token").isFalse());
        assertThat(standIn.countStatus(413)).isZero();
    }

    @Test
    void aNestedMessageTooLargeForAnItemAttachmentTravelsAsAnEmlFile() throws Exception {
        jakarta.mail.internet.MimeMessage nested = TestMails.base("Rapport transféré");
        jakarta.mail.internet.MimeMultipart parts = new jakarta.mail.internet.MimeMultipart();
        jakarta.mail.internet.MimeBodyPart text = new jakarta.mail.internet.MimeBodyPart();
        text.setText("Voir l'annexe", "UTF-8");
        jakarta.mail.internet.MimeBodyPart annex = new jakarta.mail.internet.MimeBodyPart();
        annex.setDataHandler(new jakarta.activation.DataHandler(new jakarta.mail.util.ByteArrayDataSource(
                TestMails.random(2_600_000, 9), "application/pdf")));
        annex.setFileName("annexe.pdf");
        parts.addBodyPart(text);
        parts.addBodyPart(annex);
        nested.setContent(parts);
        nested.saveChanges();
        byte[] nestedBytes = TestMails.bytes(nested, "<nested@ecole.be>");
        jakarta.mail.internet.MimeMessage outer = TestMails.base("Fwd: rapport");
        jakarta.mail.internet.MimeMultipart mixed = new jakarta.mail.internet.MimeMultipart();
        jakarta.mail.internet.MimeBodyPart intro = new jakarta.mail.internet.MimeBodyPart();
        intro.setText("Pour information", "UTF-8");
        jakarta.mail.internet.MimeBodyPart forwarded = new jakarta.mail.internet.MimeBodyPart();
        forwarded.setContent(new jakarta.mail.internet.MimeMessage(null, new ByteArrayInputStream(nestedBytes)),
                "message/rfc822");
        mixed.addBodyPart(intro);
        mixed.addBodyPart(forwarded);
        outer.setContent(mixed);
        byte[] mime = TestMails.bytes(outer, "<outer@ecole.be>");

        assertThat(writer.write(inbox, copy("k9", mime, true, false, false)).isWritten()).isTrue();

        StoredAttachment eml = standIn.messages(BOX, "inbox").get(0).attachments().get(0);
        assertThat(eml.name()).isEqualTo("message.eml");
        assertThat(eml.contentType()).isEqualTo("message/rfc822");
        assertThat(eml.viaUploadSession()).isTrue();
        jakarta.mail.internet.MimeMessage back = new jakarta.mail.internet.MimeMessage(null,
                new ByteArrayInputStream(eml.content()));
        assertThat(back.getSubject()).isEqualTo("Rapport transféré");
        assertThat(back.getMessageID()).isEqualTo("<nested@ecole.be>");
    }

    @Test
    void tooLargeForTheTenantIsRefusedWithTheReasonAndLeavesNothing() throws Exception {
        byte[] mime = TestMails.withAttachments("Trop gros", 6 * 1024 * 1024);
        GraphConnection small = connect(GraphSettings.builder().maxMessageSize(4 * 1024 * 1024));
        try {
            GraphMessageWriter.Result refused = new GraphMessageWriter(small, BOX).write(inbox, copy("k4", mime, true, false, false));
            assertThat(refused.isWritten()).isFalse();
            assertThat(refused.refusal()).contains("larger than the tenant's limit").contains("bma.graph.maxMessageSize");
        } finally {
            small.close();
        }
        // The tenant's real limit is lower than we were told: Exchange refuses, the partial copy is removed.
        standIn.maxMessageSize(5 * 1024 * 1024);
        GraphMessageWriter.Result refused = writer.write(inbox, copy("k5", mime, true, false, false));
        assertThat(refused.isWritten()).isFalse();
        assertThat(refused.refusal()).contains("too large");
        assertThat(standIn.allMessages(BOX)).isEmpty();
    }

    @Test
    void aLostAnswerToTheCreateIsResolvedByTheSourceKeyWithoutDuplicate() throws Exception {
        byte[] mime = TestMails.alternativeLatin1("Réponse perdue", null);
        standIn.loseResponseNext(1, "POST", "/messages");

        GraphMessageWriter.Result result = writer.write(inbox, copy("k6", mime, true, false, false));

        assertThat(result.isWritten()).isTrue();
        assertThat(standIn.allMessages(BOX)).hasSize(1);
        assertThat(writer.find(inbox, "k6")).contains(result.messageId());
    }

    @Test
    void aCrashHalfWayLeavesOnlyAPendingCopyThatIsRemoved() throws Exception {
        byte[] mime = TestMails.withAttachments("Coupure", 3_500_000);
        standIn.dropNext(1, "PUT", "/upload/");

        assertThatThrownBy(() -> writer.write(inbox, copy("k7", mime, true, false, false)))
                .isInstanceOf(GraphFailure.class);
        // Our clean-up deleted it; had the process died, the pending key would tell.
        List<GraphMessageWriter.Keyed> found = writer.list(inbox);
        assertThat(found).noneMatch(k -> k.sourceKey().equals("k7"));
        writer.removePending(found);
        assertThat(standIn.allMessages(BOX)).isEmpty();

        GraphMessageWriter.Result again = writer.write(inbox, copy("k7", mime, true, false, false));
        assertThat(again.isWritten()).isTrue();
        assertThat(writer.list(inbox)).extracting(GraphMessageWriter.Keyed::sourceKey).containsExactly("k7");
    }

    @Test
    void throttlingDuringAnUploadIsWaitedOut() throws Exception {
        byte[] mime = TestMails.withAttachments("Patience", 4_000_000);
        standIn.throttleNext(1, Duration.ofSeconds(1), "/upload/");
        standIn.failNext(1, Duration.ofSeconds(1), "/messages");

        assertThat(writer.write(inbox, copy("k8", mime, true, false, false)).isWritten()).isTrue();

        assertThat(graph.stats().throttled()).isEqualTo(1);
        assertThat(graph.stats().unavailable()).isEqualTo(1);
        assertThat(standIn.messages(BOX, "inbox").get(0).attachments()).anyMatch(a -> a.name().equals("archives.zip")
                && a.size() == 4_000_000);
    }

    @Test
    void listsKeysAndUpdatesFlags() throws Exception {
        for (int i = 0; i < 3; i++) {
            writer.write(inbox, copy("key-" + i, TestMails.alternativeLatin1("m" + i, null), false, false, false));
        }
        List<GraphMessageWriter.Keyed> keyed = writer.list(inbox);
        assertThat(keyed).extracting(GraphMessageWriter.Keyed::sourceKey).containsExactly("key-0", "key-1", "key-2");
        assertThat(keyed).allSatisfy(k -> assertThat(k.received()).isEqualTo(INTERNAL));

        writer.updateFlags(keyed.get(1).id(), true, true, null);

        GraphMessageWriter.Keyed updated = writer.list(inbox).get(1);
        assertThat(updated.read()).isTrue();
        assertThat(updated.flagged()).isTrue();
    }
}
