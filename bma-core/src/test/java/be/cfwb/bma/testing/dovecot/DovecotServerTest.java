package be.cfwb.bma.testing.dovecot;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Dovecot fixture itself: logins (own and master), folders, bytes, isolation, clean stop. */
@RequiresDovecot
class DovecotServerTest {

    private static final String USER = "ec001234@adm.cfwb.be";
    private static final String PASSWORD = "Correct-Horse-7";

    @RegisterExtension
    static final DovecotExtension DOVECOT = DovecotExtension.create()
            .configure(b -> b.specialUse(true).maxMessageSize(64 * 1024));

    @Test
    void aUserLogsInWithItsPasswordAndAWrongOneIsRefused() throws Exception {
        DovecotServer server = DOVECOT.server().addUser("po000012@adm.cfwb.be", PASSWORD);

        try (Store store = store(server, new Properties(), "po000012@adm.cfwb.be", PASSWORD)) {
            assertThat(store.isConnected()).isTrue();
            assertThat(store.getDefaultFolder().getSeparator()).isEqualTo('/');
        }
        assertThatThrownBy(() -> store(server, new Properties(), "po000012@adm.cfwb.be", "wrong"))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThat(server.toString()).doesNotContain(server.masterPassword());
    }

    @Test
    void theMasterUserOpensAMailboxAsMailboxStarMaster() throws Exception {
        DovecotServer server = DOVECOT.server().addUser("ec005678@adm.cfwb.be", PASSWORD);
        appendAs(server, "ec005678@adm.cfwb.be", "INBOX", message("Pour le master"));

        try (Store store = store(server, new Properties(), server.masterLogin("ec005678@adm.cfwb.be"),
                server.masterPassword())) {
            assertThat(subjects(store, "INBOX")).containsExactly("Pour le master");
        }
        assertThat(server.masterLogin("ec005678@adm.cfwb.be")).isEqualTo("ec005678@adm.cfwb.be*bma-admin");
    }

    @Test
    void theMasterUserOpensAMailboxThroughSaslPlainAuthorizationIdentity() throws Exception {
        DovecotServer server = DOVECOT.server().addUser("ec009999@adm.cfwb.be", PASSWORD);
        appendAs(server, "ec009999@adm.cfwb.be", "INBOX", message("Par SASL"));

        Properties sasl = new Properties();
        sasl.put("mail.imap.sasl.enable", "true");
        sasl.put("mail.imap.sasl.mechanisms", "PLAIN");
        sasl.put("mail.imap.sasl.authorizationid", "ec009999@adm.cfwb.be");
        try (Store store = store(server, sasl, server.masterUser(), server.masterPassword())) {
            assertThat(subjects(store, "INBOX")).containsExactly("Par SASL");
        }
        assertThatThrownBy(() -> store(server, sasl, server.masterUser(), "not-the-master-password"))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void appendedBytesFlagsAndInternalDateComeBackUnchanged() throws Exception {
        DovecotServer server = DOVECOT.server().addUser("ec001111@adm.cfwb.be", PASSWORD);
        byte[] raw = ("From: direction@ecole.be\r\nTo: ec001111@adm.cfwb.be\r\n"
                + "Subject: =?UTF-8?Q?R=C3=A9union_des_parents?=\r\nMessage-ID: <r1@ecole.be>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\nLa réunion a lieu à 18 h.\r\n")
                .getBytes(StandardCharsets.UTF_8);
        Date internalDate = Date.from(Instant.parse("2024-09-30T08:15:00Z"));
        MimeMessage message = new MimeMessage(session(server, new Properties()), new ByteArrayInputStream(raw));
        message.setFlags(new Flags(Flags.Flag.SEEN), true);
        message.setFlags(new Flags("$Forwarded"), true);

        try (Store store = store(server, new Properties(), "ec001111@adm.cfwb.be", PASSWORD)) {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            Message[] appended = inbox.addMessages(new Message[] {withInternalDate(message, internalDate)});
            assertThat(appended).hasSize(1);
            inbox.close();

            inbox.open(Folder.READ_ONLY);
            IMAPMessage back = (IMAPMessage) inbox.getMessage(1);
            try (InputStream in = back.getMimeStream()) {
                assertThat(in.readAllBytes()).isEqualTo(raw);
            }
            assertThat(back.getFlags().contains(Flags.Flag.SEEN)).isTrue();
            assertThat(back.getFlags().getUserFlags()).containsExactly("$Forwarded");
            assertThat(back.getReceivedDate()).isEqualTo(internalDate);
            inbox.close();
        }
    }

    @Test
    void aMessageOverTheSizeLimitIsRefusedWithAReason() throws Exception {
        DovecotServer server = DOVECOT.server().addUser("ec002222@adm.cfwb.be", PASSWORD);
        String big = "x".repeat(100 * 1024);

        assertThatThrownBy(() -> appendAs(server, "ec002222@adm.cfwb.be", "INBOX",
                message("Trop grand", big)))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("larger than the maximum size");
    }

    @Test
    void specialUseFoldersAreAnnounced() throws Exception {
        DovecotServer server = DOVECOT.server().addUser("ec003333@adm.cfwb.be", PASSWORD);

        try (Store store = store(server, new Properties(), "ec003333@adm.cfwb.be", PASSWORD)) {
            assertThat(((IMAPFolder) store.getFolder("Sent")).getAttributes()).contains("\\Sent");
            assertThat(((IMAPFolder) store.getFolder("Trash")).getAttributes()).contains("\\Trash");
        }
    }

    @ParameterizedTest
    @EnumSource(HierarchyStyle.class)
    void accentedNestedFoldersAndTheOtherSeparatorSurvive(HierarchyStyle style) throws Exception {
        try (DovecotServer server = DovecotServer.builder().hierarchy(style).start()) {
            server.addUser(USER, PASSWORD);
            String sent = style.folderName("Archives", "Éléments envoyés");
            String otherSeparator = style.folderName(style == HierarchyStyle.SLASH ? "v1.2 notes" : "2023/2024");

            try (Store store = store(server, new Properties(), USER, PASSWORD)) {
                assertThat(store.getDefaultFolder().getSeparator()).isEqualTo(style.separator());
                for (String name : List.of(sent, otherSeparator)) {
                    assertThat(store.getFolder(name).create(Folder.HOLDS_MESSAGES)).as(name).isTrue();
                }
                appendTo(store, sent, message("Envoyé"));
                List<String> names = Arrays.stream(store.getDefaultFolder().list("*")).map(Folder::getFullName).toList();
                assertThat(names).contains("INBOX", sent, otherSeparator);
                assertThat(subjects(store, sent)).containsExactly("Envoyé");
            }
            // On the wire and on disk the name is modified UTF-7, never mojibake.
            try (Stream<Path> dirs = Files.list(server.maildir(USER))) {
                assertThat(dirs.map(p -> p.getFileName().toString()))
                        .contains(".Archives.&AMk-l&AOk-ments envoy&AOk-s");
            }
        }
    }

    @Test
    void twoServersRunSideBySideWithSeparateMailboxes() throws Exception {
        try (DovecotServer source = DovecotServer.builder().hierarchy(HierarchyStyle.DOT_INBOX_PREFIX).start();
             DovecotServer target = DovecotServer.start()) {
            source.addUser(USER, PASSWORD);
            target.addUser(USER, "Another-Password-9");
            assertThat(source.imapPort()).isNotEqualTo(target.imapPort());
            assertThat(source.masterPassword()).isNotEqualTo(target.masterPassword());

            appendAs(source, USER, "INBOX", message("Seulement sur la source"));

            try (Store s = store(source, new Properties(), USER, PASSWORD);
                 Store t = store(target, new Properties(), USER, "Another-Password-9")) {
                assertThat(subjects(s, "INBOX")).containsExactly("Seulement sur la source");
                assertThat(subjects(t, "INBOX")).isEmpty();
                assertThat(s.getDefaultFolder().getSeparator()).isEqualTo('.');
                assertThat(t.getDefaultFolder().getSeparator()).isEqualTo('/');
            }
        }
    }

    @Test
    void anExchangeLikeServerAnnouncesNoMultiappendAndRefusesAThirdConnectionOfAMailbox() throws Exception {
        try (DovecotServer server = DovecotServer.builder()
                .imapCapability("IMAP4rev1 SASL-IR UIDPLUS MOVE ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+")
                .maxUserIpConnections(2).start()) {
            server.addUser(USER, PASSWORD);
            try (Store first = store(server, new Properties(), USER, PASSWORD);
                 Store second = store(server, new Properties(), USER, PASSWORD)) {
                org.eclipse.angus.mail.imap.IMAPStore imap = (org.eclipse.angus.mail.imap.IMAPStore) first;
                assertThat(imap.hasCapability("UIDPLUS")).isTrue();
                assertThat(imap.hasCapability("MULTIAPPEND")).isFalse();
                assertThat(imap.hasCapability("LIST-STATUS")).isFalse();
                assertThat(second.isConnected()).isTrue();
                assertThatThrownBy(() -> subjects(store(server, new Properties(), USER, PASSWORD), "INBOX"))
                        .isInstanceOf(MessagingException.class);
            }
            // Below the limit again, a login is accepted.
            try (Store again = store(server, new Properties(), USER, PASSWORD)) {
                assertThat(subjects(again, "INBOX")).isEmpty();
            }
        }
    }

    @Test
    void aReusedImapProcessServesTheNextMailboxWithItsOwnMail() throws Exception {
        String other = "po000012@adm.cfwb.be";
        try (DovecotServer reused = DovecotServer.builder().imapProcessReuse(100).start();
             DovecotServer perLogin = DovecotServer.start()) {
            for (DovecotServer server : List.of(reused, perLogin)) {
                server.addUser(USER, PASSWORD).addUser(other, PASSWORD);
                appendAs(server, USER, "INBOX", message("pour l'école"));
                for (int i = 0; i < 3; i++) {
                    appendAs(server, other, "INBOX", message("pour le PO " + i));
                    try (Store school = store(server, new Properties(), USER, PASSWORD)) {
                        assertThat(subjects(school, "INBOX")).containsExactly("pour l'école");
                    }
                }
                try (Store po = store(server, new Properties(), other, PASSWORD)) {
                    assertThat(subjects(po, "INBOX")).containsExactly("pour le PO 0", "pour le PO 1", "pour le PO 2");
                }
            }

            // Which process served each login is Dovecot's own record; a process started while
            // the previous one was still finishing its session is allowed, a process per login is not.
            Map<Long, Set<String>> reusedServed = mailboxesServedByImapProcess(reused, 8);
            assertThat(reusedServed).hasSizeLessThan(8);
            assertThat(reusedServed.values()).anySatisfy(users -> assertThat(users).containsExactlyInAnyOrder(USER, other));
            assertThat(mailboxesServedByImapProcess(perLogin, 8)).hasSize(8);
        }
        assertThatThrownBy(() -> DovecotServer.builder().imapProcessReuse(0))
                .hasMessageContaining("imapProcessReuse must be >= 1, was 0");
    }

    /** The mailboxes each imap process served, from the login lines' {@code mpid} in the server's log. */
    private static Map<Long, Set<String>> mailboxesServedByImapProcess(DovecotServer server, int logins)
            throws Exception {
        Pattern login = Pattern.compile("Login: user=<([^>]+)>.*\\bmpid=(\\d+)");
        // Dovecot's log process writes a moment after the login it records.
        List<Matcher> recorded = List.of();
        for (int wait = 0; wait < 100 && recorded.size() < logins; wait++) {
            if (wait > 0) {
                Thread.sleep(100);
            }
            recorded = Files.readAllLines(server.logFile(), StandardCharsets.UTF_8).stream()
                    .map(login::matcher).filter(Matcher::find).toList();
        }
        assertThat(recorded).as("logins recorded in %s", server.logTail(40)).hasSize(logins);
        Map<Long, Set<String>> served = new TreeMap<>();
        for (Matcher m : recorded) {
            served.computeIfAbsent(Long.parseLong(m.group(2)), pid -> new TreeSet<>()).add(m.group(1));
        }
        return served;
    }

    @Test
    void stopEndsEveryProcessFreesThePortAndDeletesTheDirectory() throws Exception {
        DovecotServer server = DovecotServer.start();
        server.addUser(USER, PASSWORD);
        Path config = server.configFile();
        Store open = store(server, new Properties(), USER, PASSWORD);
        // master, log, config, anvil, auth, imap-login, imap... at least master and one imap.
        assertThat(server.processIds()).hasSizeGreaterThanOrEqualTo(2);

        server.stop();
        server.stop();

        assertThat(server.processIds()).isEmpty();
        assertThat(config.getParent()).doesNotExist();
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(server.host(), server.imapPort()), 1000);
            }
        }).isInstanceOf(ConnectException.class);
        try {
            open.close();
        } catch (MessagingException expected) {
            // The server went away under the connection.
        }
    }

    @Test
    void badUsersAreRefusedWithAReason() {
        DovecotServer server = DOVECOT.server();
        assertThatThrownBy(() -> server.addUser("a:b", "pw")).hasMessageContaining("'a:b'");
        assertThatThrownBy(() -> server.addUser("ok@adm.cfwb.be", "p:w"))
                .hasMessageContaining("without ':'").hasMessageNotContaining("p:w");
        server.addUser("twice@adm.cfwb.be", "pw");
        assertThatThrownBy(() -> server.addUser("twice@adm.cfwb.be", "pw")).hasMessageContaining("already exists");
    }

    static Session session(DovecotServer server, Properties extra) {
        Properties props = new Properties();
        props.put("mail.imap.host", server.host());
        props.put("mail.imap.port", String.valueOf(server.imapPort()));
        props.put("mail.imap.connectiontimeout", "10000");
        props.put("mail.imap.timeout", "10000");
        props.put("mail.imap.peek", "true");
        props.putAll(extra);
        return Session.getInstance(props);
    }

    static Store store(DovecotServer server, Properties extra, String user, String password)
            throws MessagingException {
        Store store = session(server, extra).getStore("imap");
        store.connect(server.host(), server.imapPort(), user, password);
        return store;
    }

    private static void appendAs(DovecotServer server, String user, String folder, MimeMessage message)
            throws MessagingException {
        try (Store store = store(server, new Properties(), user, PASSWORD)) {
            appendTo(store, folder, message);
        }
    }

    private static void appendTo(Store store, String folder, MimeMessage message) throws MessagingException {
        Folder f = store.getFolder(folder);
        f.appendMessages(new Message[] {message});
    }

    private static List<String> subjects(Store store, String folder) throws MessagingException {
        Folder f = store.getFolder(folder);
        f.open(Folder.READ_ONLY);
        try {
            return Arrays.stream(f.getMessages()).map(m -> {
                try {
                    return m.getSubject();
                } catch (MessagingException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        } finally {
            f.close();
        }
    }

    private static MimeMessage message(String subject) throws MessagingException {
        return message(subject, "Bonjour,\r\n");
    }

    private static MimeMessage message(String subject, String body) throws MessagingException {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom("direction@ecole.be");
        m.setSubject(subject, "UTF-8");
        m.setText(body, "UTF-8");
        m.saveChanges();
        return m;
    }

    /** A parsed message whose APPEND carries the given INTERNALDATE (Angus sends getReceivedDate()). */
    private static MimeMessage withInternalDate(MimeMessage message, Date date) throws MessagingException {
        return new MimeMessage(message) {
            @Override
            public Date getReceivedDate() {
                return date;
            }
        };
    }
}
