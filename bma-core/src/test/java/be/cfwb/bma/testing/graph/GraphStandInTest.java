package be.cfwb.bma.testing.graph;

import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.models.AttachmentItem;
import com.microsoft.graph.models.AttachmentType;
import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.FileAttachment;
import com.microsoft.graph.models.ItemBody;
import com.microsoft.graph.models.MailFolder;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.PasswordProfile;
import com.microsoft.graph.models.Recipient;
import com.microsoft.graph.models.SingleValueLegacyExtendedProperty;
import com.microsoft.graph.models.UploadSession;
import com.microsoft.graph.models.User;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.messages.item.attachments.createuploadsession.CreateUploadSessionPostRequestBody;
import com.microsoft.graph.users.item.sendmail.SendMailPostRequestBody;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import com.microsoft.kiota.http.KiotaClientFactory;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stand-in, driven through the real Graph SDK client as the toolkit drives Graph. */
class GraphStandInTest {

    private static final String BOX = "ec001394@adm.cfwb.be";
    private static final String KEY = "String {00020329-0000-0000-C000-000000000046} Name BmaSourceKey";

    private GraphStandIn graph;
    private GraphServiceClient client;
    private OkHttpClient http;

    @BeforeEach
    void start() {
        graph = GraphStandIn.start();
        graph.addUser(BOX);
        client = client(graph.token(), 3);
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    private GraphServiceClient client(String token, int retries) {
        AccessTokenProvider tokens = new AccessTokenProvider() {
            @Override
            public String getAuthorizationToken(URI uri, Map<String, Object> context) {
                return token;
            }

            @Override
            public AllowedHostsValidator getAllowedHostsValidator() {
                return new AllowedHostsValidator("127.0.0.1");
            }
        };
        http = KiotaClientFactory.create(new ArrayList<>(Arrays.asList(GraphClientFactory.createDefaultGraphInterceptors(
                new RequestOption[] {new RetryHandlerOption(null, retries, 1)})))).retryOnConnectionFailure(false).build();
        GraphServiceClient c = new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(tokens), http);
        c.getRequestAdapter().setBaseUrl(graph.baseUrl());
        return c;
    }

    private static Message message(String subject, Integer flags) {
        Message m = new Message();
        m.setSubject(subject);
        ItemBody body = new ItemBody();
        body.setContentType(BodyType.Html);
        body.setContent("<p>Bonjour à tous</p>");
        m.setBody(body);
        Recipient from = new Recipient();
        EmailAddress address = new EmailAddress();
        address.setAddress("sgne@cfwb.be");
        from.setEmailAddress(address);
        m.setFrom(from);
        java.util.List<SingleValueLegacyExtendedProperty> props = new ArrayList<>();
        if (flags != null) {
            props.add(prop("Integer 0x0E07", flags.toString()));
        }
        props.add(prop("SystemTime 0x0E06", "2024-10-01T08:30:00Z"));
        props.add(prop("SystemTime 0x0039", "2024-10-01T08:29:00Z"));
        props.add(prop(KEY, "src-" + subject));
        m.setSingleValueExtendedProperties(props);
        return m;
    }

    private static SingleValueLegacyExtendedProperty prop(String id, String value) {
        SingleValueLegacyExtendedProperty p = new SingleValueLegacyExtendedProperty();
        p.setId(id);
        p.setValue(value);
        return p;
    }

    @Test
    void messageWithFlagsIsNotADraftAndKeepsItsDates() {
        Message created = client.users().byUserId(BOX).mailFolders().byMailFolderId("inbox").messages()
                .post(message("Circulaire", 1));

        assertThat(created.getIsDraft()).isFalse();
        assertThat(created.getIsRead()).isTrue();
        assertThat(created.getReceivedDateTime().toInstant()).isEqualTo(Instant.parse("2024-10-01T08:30:00Z"));
        assertThat(created.getSentDateTime().toInstant()).isEqualTo(Instant.parse("2024-10-01T08:29:00Z"));
        StoredMessage stored = graph.messages(BOX, "Inbox").get(0);
        assertThat(stored.isDraft()).isFalse();
        assertThat(stored.extendedProperty(KEY)).contains("src-Circulaire");
        assertThat(graph.requests()).allMatch(GraphStandIn.RecordedRequest::bearer);
    }

    @Test
    void messageWithoutFlagsOrWithTheUnsentBitIsADraft() {
        var messages = client.users().byUserId(BOX).mailFolders().byMailFolderId("inbox").messages();
        assertThat(messages.post(message("no flags", null)).getIsDraft()).isTrue();
        assertThat(messages.post(message("unsent", 0x8 | 1)).getIsDraft()).isTrue();
        assertThat(messages.post(message("unread", 0)).getIsRead()).isFalse();
    }

    @Test
    void filtersOnTheSourceKeyCountsAndPages() {
        var messages = client.users().byUserId(BOX).mailFolders().byMailFolderId("inbox").messages();
        for (int i = 0; i < 12; i++) {
            messages.post(message("m" + i, 1));
        }
        var found = messages.get(r -> {
            r.queryParameters.filter = "singleValueExtendedProperties/any(ep: ep/id eq '" + KEY + "' and ep/value eq 'src-m7')";
            r.queryParameters.expand = new String[] {"singleValueExtendedProperties($filter=id eq '" + KEY + "')"};
        });
        assertThat(found.getValue()).hasSize(1);
        assertThat(found.getValue().get(0).getSubject()).isEqualTo("m7");
        assertThat(found.getValue().get(0).getSingleValueExtendedProperties().get(0).getValue()).isEqualTo("src-m7");
        assertThat(messages.count().get()).isEqualTo(12);

        var firstPage = messages.get(r -> r.queryParameters.top = 5);
        assertThat(firstPage.getValue()).hasSize(5);
        assertThat(firstPage.getOdataNextLink()).contains("skip=5").contains("top=5");
        var second = messages.withUrl(firstPage.getOdataNextLink()).get();
        assertThat(second.getValue()).extracting(Message::getSubject).containsExactly("m5", "m6", "m7", "m8", "m9");

        assertThatThrownBy(() -> messages.get(r -> r.queryParameters.filter = "subject eq 'x'"))
                .isInstanceOf(ODataError.class).hasMessageContaining("supports only");
    }

    @Test
    void foldersAndChildFoldersWithWellKnownNames() {
        MailFolder projets = new MailFolder();
        projets.setDisplayName("Projets été");
        MailFolder created = client.users().byUserId(BOX).mailFolders().byMailFolderId("inbox").childFolders().post(projets);
        assertThat(created.getDisplayName()).isEqualTo("Projets été");
        // A fresh object: the SDK's backing store sends only changed values, so a re-post would be empty.
        MailFolder again = new MailFolder();
        again.setDisplayName("projets ÉTÉ");
        assertThatThrownBy(() -> client.users().byUserId(BOX).mailFolders().byMailFolderId("inbox").childFolders().post(again))
                .isInstanceOfSatisfying(ODataError.class, e -> assertThat(e.getResponseStatusCode())
                        .as(e.getMessage()).isEqualTo(409));
        var top = client.users().byUserId(BOX).mailFolders().get(r -> r.queryParameters.top = 50).getValue();
        assertThat(top).extracting(MailFolder::getDisplayName)
                .contains("Inbox", "Sent Items", "Deleted Items", "Drafts", "Junk Email");
        assertThat(graph.folderPaths(BOX)).contains("Inbox/Projets été");
        assertThat(client.users().byUserId(BOX).mailFolders().byMailFolderId("SentItems").get().getDisplayName())
                .isEqualTo("Sent Items");
    }

    @Test
    void refusesWhatGraphRefuses() {
        GraphServiceClient anonymous = client("wrong", 0);
        assertThatThrownBy(() -> anonymous.users().byUserId(BOX).get())
                .isInstanceOfSatisfying(ODataError.class, e -> assertThat(e.getResponseStatusCode()).isEqualTo(401));
        assertThatThrownBy(() -> client.users().byUserId("nobody@adm.cfwb.be").get())
                .isInstanceOfSatisfying(ODataError.class, e -> assertThat(e.getResponseStatusCode()).isEqualTo(404));

        Message big = message("big", 1);
        FileAttachment att = new FileAttachment();
        att.setName("big.bin");
        att.setContentBytes(new byte[3_500_000]);
        big.setAttachments(java.util.List.of(att));
        assertThatThrownBy(() -> client.users().byUserId(BOX).mailFolders().byMailFolderId("inbox").messages().post(big))
                .isInstanceOfSatisfying(ODataError.class, e -> assertThat(e.getResponseStatusCode()).isEqualTo(413));

        Message badProp = message("bad", 1);
        badProp.getSingleValueExtendedProperties().add(prop("SystemTime 0x0E06", "yesterday"));
        assertThatThrownBy(() -> client.users().byUserId(BOX).messages().post(badProp))
                .isInstanceOfSatisfying(ODataError.class, e -> assertThat(e.getResponseStatusCode()).isEqualTo(400));
        assertThat(graph.allMessages(BOX)).isEmpty();
    }

    @Test
    void smallAttachmentsByPostAndLargeOnesThroughAnUploadSession() throws Exception {
        Message m = client.users().byUserId(BOX).mailFolders().byMailFolderId("inbox").messages().post(message("pj", 1));
        FileAttachment small = new FileAttachment();
        small.setName("note.txt");
        small.setContentBytes("bonjour".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        client.users().byUserId(BOX).messages().byMessageId(m.getId()).attachments().post(small);

        int size = 9_000_000;
        byte[] content = new byte[size];
        new java.util.Random(7).nextBytes(content);
        CreateUploadSessionPostRequestBody request = new CreateUploadSessionPostRequestBody();
        AttachmentItem item = new AttachmentItem();
        item.setAttachmentType(AttachmentType.File);
        item.setName("rapport.pdf");
        item.setSize((long) size);
        request.setAttachmentItem(item);
        UploadSession session = client.users().byUserId(BOX).messages().byMessageId(m.getId()).attachments()
                .createUploadSession().post(request);
        assertThat(session.getNextExpectedRanges()).containsExactly("0-");

        assertThat(put(session.getUploadUrl(), content, 0, 4_194_305).code()).isEqualTo(413);
        int chunk = 3_670_016;
        int last = 0;
        for (int offset = 0; offset < size; offset += chunk) {
            last = put(session.getUploadUrl(), content, offset, Math.min(chunk, size - offset)).code();
        }
        assertThat(last).isEqualTo(201);

        StoredMessage stored = graph.messages(BOX, "inbox").get(0);
        assertThat(stored.attachments()).hasSize(2);
        assertThat(stored.attachments().get(1).content()).isEqualTo(content);
        assertThat(stored.attachments().get(1).viaUploadSession()).isTrue();

        item.setSize(100_000L);
        assertThatThrownBy(() -> client.users().byUserId(BOX).messages().byMessageId(m.getId()).attachments()
                .createUploadSession().post(request))
                .isInstanceOfSatisfying(ODataError.class, e -> assertThat(e.getResponseStatusCode()).isEqualTo(400));
    }

    private Response put(String url, byte[] content, int offset, int length) throws Exception {
        byte[] chunk = Arrays.copyOfRange(content, offset, offset + length);
        Request request = new Request.Builder().url(url)
                .header("Content-Range", "bytes " + offset + "-" + (offset + length - 1) + "/" + content.length)
                .put(RequestBody.create(chunk, MediaType.get("application/octet-stream"))).build();
        try (Response r = http.newCall(request).execute()) {
            return r;
        }
    }

    @Test
    void sendMailIsStoredAndPasswordProfileChecked() {
        SendMailPostRequestBody send = new SendMailPostRequestBody();
        Message m = message("Votre nouveau mot de passe", null);
        m.setSingleValueExtendedProperties(null);
        Recipient to = new Recipient();
        EmailAddress address = new EmailAddress();
        address.setAddress(BOX);
        to.setEmailAddress(address);
        m.setToRecipients(java.util.List.of(to));
        send.setMessage(m);
        send.setSaveToSentItems(false);
        graph.addUser("etnic@cfwb.be");
        client.users().byUserId("etnic@cfwb.be").sendMail().post(send);
        assertThat(graph.sentMail()).singleElement().satisfies(s -> {
            assertThat(s.sender()).isEqualTo("etnic@cfwb.be");
            assertThat(s.toAddresses()).containsExactly(BOX);
            assertThat(s.subject()).isEqualTo("Votre nouveau mot de passe");
        });

        User patch = new User();
        PasswordProfile profile = new PasswordProfile();
        profile.setPassword("weak");
        patch.setPasswordProfile(profile);
        assertThatThrownBy(() -> client.users().byUserId(BOX).patch(patch))
                .isInstanceOfSatisfying(ODataError.class, e -> assertThat(e.getResponseStatusCode()).isEqualTo(400));
        profile.setPassword("Kx7#mPq2-vRt9");
        profile.setForceChangePasswordNextSignIn(true);
        client.users().byUserId(BOX).patch(patch);
        assertThat(graph.passwordProfile(BOX)).hasValueSatisfying(p ->
                assertThat(p.path("forceChangePasswordNextSignIn").asBoolean()).isTrue());
    }

    @Test
    void throttlingAndUnavailabilityAreRetriedAfterRetryAfter() {
        graph.throttleNext(2, Duration.ofSeconds(1), "/messages");
        graph.failNext(1, Duration.ofSeconds(1), "/messages");
        long start = System.nanoTime();
        Message created = client.users().byUserId(BOX).mailFolders().byMailFolderId("inbox").messages()
                .post(message("après attente", 1));
        assertThat(created.getIsDraft()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(graph.countStatus(429)).isEqualTo(2);
        assertThat(graph.countStatus(503)).isEqualTo(1);
        assertThat(graph.allMessages(BOX)).hasSize(1);
    }

    @Test
    void moreThanFourConcurrentRequestsOnAMailboxAreThrottled() throws Exception {
        graph.slow(Duration.ofMillis(300));
        GraphServiceClient noRetry = client(graph.token(), 0);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            java.util.List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(() -> {
                    try {
                        noRetry.users().byUserId(BOX).mailFolders().byMailFolderId("inbox").get();
                        return 200;
                    } catch (ODataError e) {
                        return e.getResponseStatusCode();
                    }
                });
            }
            java.util.List<Integer> codes = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(calls)) {
                codes.add(f.get());
            }
            assertThat(codes).contains(429);
            assertThat(graph.peakConcurrency(BOX)).isGreaterThan(4);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void droppedConnectionsSurfaceAsIoFailures() {
        graph.dropNext(1, "GET", "/mailFolders");
        assertThatThrownBy(() -> client.users().byUserId(BOX).mailFolders().byMailFolderId("inbox").get())
                .hasRootCauseInstanceOf(java.io.IOException.class);
        graph.loseResponseNext(1, "POST", "/messages");
        assertThatThrownBy(() -> client.users().byUserId(BOX).mailFolders().byMailFolderId("inbox").messages()
                .post(message("perdu", 1)));
        assertThat(graph.allMessages(BOX)).extracting(StoredMessage::subject).containsExactly("perdu");
    }
}
