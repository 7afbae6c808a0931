package be.cfwb.bma.demo;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.AppendDateRelay;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.SampleMailboxes;
import be.cfwb.bma.testing.SampleMessage;
import be.cfwb.bma.testing.graph.GraphStandIn;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Flags;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * The demo's servers, in a process of their own: the old server (GreenMail IMAP and SMTP,
 * seeded), the new one (GreenMail IMAP, reached through an {@link AppendDateRelay} so that it
 * keeps the dates of mail received between noon and one o'clock) and the Graph stand-in (for
 * the mail-2 password). The old server's IMAP is reached through such a relay too, which
 * acknowledges GreenMail's replies at once (see {@link GreenMailFixture}).
 * Writes {@value #PORTS} when ready; ends when {@value #STOP} appears, when the demo has not
 * touched {@value #HEARTBEAT} for {@link #IDLE}, or after {@link #LIFETIME}, so that it never
 * outlives its purpose by long.
 */
public final class DemoServers {

    static final String PORTS = "servers.properties";
    static final String STOP = "servers.stop";
    static final String HEARTBEAT = "heartbeat";
    static final Duration IDLE = Duration.ofMinutes(10);
    static final Duration LIFETIME = Duration.ofHours(2);
    /** The login every demo mailbox has on both servers (a demo, not a secret). */
    static final String DEMO_PASSWORD = "demo";

    private DemoServers() {
    }

    /** Arguments: the state directory, then the addresses to create, each with its message count as {@code address=count}. */
    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[0]);
        GreenMail oldServer = new GreenMail(new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)});
        oldServer.start();
        GreenMailFixture oldImap = GreenMailFixture.over(oldServer);
        GreenMailFixture newServer = GreenMailFixture.start();
        try (GraphStandIn graph = GraphStandIn.start()) {
            Session session = Session.getInstance(new Properties());
            for (int i = 1; i < args.length; i++) {
                String[] parts = args[i].split("=");
                BmaAddress address = BmaAddress.parse(parts[0]);
                GreenMailUser user = oldServer.setUser(address.toString(), address.toString(), DEMO_PASSWORD);
                newServer.createUser(address, DEMO_PASSWORD);
                graph.addUser(address.toString());
                seed(oldServer.getManagers().getImapHostManager(), user, session,
                        SampleMailboxes.messages(address, Integer.parseInt(parts[1])));
            }
            Properties ports = new Properties();
            ports.setProperty("old.imap", Integer.toString(oldImap.imapPort()));
            ports.setProperty("old.smtp", Integer.toString(oldServer.getSmtp().getPort()));
            ports.setProperty("new.imap", Integer.toString(newServer.imapPort()));
            ports.setProperty("graph.url", graph.baseUrl());
            ports.setProperty("graph.token", graph.token());
            ports.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
            Path tmp = state.resolve(PORTS + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ports.store(out, "BMA demo servers");
            }
            Files.move(tmp, state.resolve(PORTS), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            waitForTheEnd(state);
        } finally {
            oldImap.close();
            newServer.close();
            Files.deleteIfExists(state.resolve(PORTS));
            Files.deleteIfExists(state.resolve(STOP));
        }
    }

    /** Appends straight into GreenMail's store: the demo starts in seconds, not minutes of IMAP round trips. */
    private static void seed(ImapHostManager manager, GreenMailUser user, Session session, List<SampleMessage> messages)
            throws Exception {
        List<String> created = new ArrayList<>();
        for (SampleMessage m : messages) {
            String name = String.join(String.valueOf(com.icegreen.greenmail.imap.ImapConstants.HIERARCHY_DELIMITER_CHAR), m.folder());
            MailFolder folder = manager.getFolder(user, name);
            if (folder == null) {
                StringBuilder path = new StringBuilder();
                for (String segment : m.folder()) {
                    path.append(path.length() == 0 ? "" : String.valueOf(com.icegreen.greenmail.imap.ImapConstants.HIERARCHY_DELIMITER_CHAR)).append(segment);
                    if (!created.contains(path.toString()) && manager.getFolder(user, path.toString()) == null) {
                        manager.createMailbox(user, path.toString());
                        created.add(path.toString());
                    }
                }
                folder = manager.getFolder(user, name);
            }
            Flags flags = new Flags();
            for (String f : m.flags()) {
                switch (f) {
                    case "\\Seen" -> flags.add(Flags.Flag.SEEN);
                    case "\\Answered" -> flags.add(Flags.Flag.ANSWERED);
                    case "\\Flagged" -> flags.add(Flags.Flag.FLAGGED);
                    case "\\Draft" -> flags.add(Flags.Flag.DRAFT);
                    default -> flags.add(f);
                }
            }
            folder.appendMessage(new MimeMessage(session, new ByteArrayInputStream(m.bytes())), flags,
                    Date.from(m.internalDate().toInstant()));
        }
    }

    private static void waitForTheEnd(Path state) throws InterruptedException, IOException {
        Instant started = Instant.now();
        while (true) {
            Thread.sleep(500);
            if (Files.exists(state.resolve(STOP)) || Instant.now().isAfter(started.plus(LIFETIME))) {
                return;
            }
            Path heartbeat = state.resolve(HEARTBEAT);
            Instant last = Files.exists(heartbeat) ? Files.getLastModifiedTime(heartbeat).toInstant() : started;
            if (Instant.now().isAfter(last.plus(IDLE))) {
                return;
            }
        }
    }
}
