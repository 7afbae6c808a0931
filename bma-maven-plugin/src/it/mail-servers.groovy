import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.SampleMailboxes;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The in-process servers of the plugin's invoker builds (src/it), used by their Groovy hooks
 * ({@code setup.groovy} starts, {@code verify.groovy} checks and stops) through
 * {@code evaluate(new File(basedir, '../../../src/it/mail-servers.groovy'))}, which gives this
 * class. An invoker build is a separate Maven process, so the servers run in the invoker's JVM
 * (bma-core's test support and GreenMail are on the hooks' class path: addTestClassPath) and
 * the build learns where they are through user properties ({@code bma.source.url}, ...).
 * Groovy rather than a test class, so that the integration builds also run with
 * -Dmaven.test.skip=true (CI's Maven 3.9 pass).
 *
 * <p>Only JDK types cross the hooks' {@code context} map: each hook evaluates this file in its
 * own class loader, so the servers are kept as an {@link AutoCloseable}.
 */
final class InvokerMailServers {

    /** The password of every seeded mailbox, on both servers. */
    public static final String PASSWORD = "it-s3cret;pw";

    private InvokerMailServers() {
    }

    /**
     * Starts an old and a new GreenMail, creates {@code mailboxes} on both, seeds each old one
     * with {@code messages} sample messages, writes the per-mailbox credentials files under
     * {@code basedir/target/credentials} and hands the build {@code bma.source.url},
     * {@code bma.target.url}, {@code bma.source.credentials}, {@code bma.target.credentials}.
     *
     * @param sourcePassword the password written to the source credentials file: {@link #PASSWORD}
     *                       for a working build, anything else for the wrong-credentials case
     */
    public static void start(File basedir, Map<String, Object> context, List<String> mailboxes, int messages,
                             String sourcePassword) {
        startServers(basedir, context, mailboxes, messages, sourcePassword, true);
    }

    /**
     * As {@link #start(File, Map, List, int, String)}, but the build is told only where the
     * servers are: its credentials must come from settings.xml (or are missing).
     */
    public static void startWithoutCredentialsFiles(File basedir, Map<String, Object> context, List<String> mailboxes,
                                                    int messages) {
        startServers(basedir, context, mailboxes, messages, PASSWORD, false);
    }

    private static void startServers(File basedir, Map<String, Object> context, List<String> mailboxes, int messages,
                                     String sourcePassword, boolean credentialsFiles) {
        GreenMailFixture oldServer = GreenMailFixture.start();
        GreenMailFixture newServer = GreenMailFixture.start();
        context.put("bmaServers", ({ ->
            oldServer.close()
            newServer.close()
        } as AutoCloseable));
        StringBuilder source = new StringBuilder();
        StringBuilder target = new StringBuilder();
        for (String m : mailboxes) {
            BmaAddress address = BmaAddress.parse(m);
            oldServer.createUser(address, PASSWORD);
            newServer.createUser(address, PASSWORD);
            try (MailboxSeeder seeder = oldServer.seeder(address, PASSWORD)) {
                SampleMailboxes.seed(seeder, address, messages);
            }
            source.append(address).append(';').append(sourcePassword).append('\n');
            target.append(address).append(';').append(PASSWORD).append('\n');
        }
        Path dir = basedir.toPath().resolve("target/credentials");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("source.csv"), source, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("target.csv"), target, StandardCharsets.UTF_8);
            // Owner-only, or the toolkit refuses them as ssh would.
            for (String name : ["source.csv", "target.csv"]) {
                Files.setPosixFilePermissions(dir.resolve(name), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        context.put("bmaSourcePort", oldServer.imapPort());
        context.put("bmaTargetPort", newServer.imapPort());
        Properties user = (Properties) context.get("userProperties");
        user.setProperty("bma.source.url", oldServer.imapEndpoint().toString());
        user.setProperty("bma.target.url", newServer.imapEndpoint().toString());
        if (credentialsFiles) {
            user.setProperty("bma.source.credentials", dir.resolve("source.csv").toString());
            user.setProperty("bma.target.credentials", dir.resolve("target.csv").toString());
        }
    }

    /** How many messages {@code mailbox} holds on the server at {@code port}, over every folder. */
    public static int messageCount(int port, String mailbox) {
        ImapEndpoint endpoint = ImapEndpoint.parse("imap://127.0.0.1:" + port, "invoker");
        try (MailboxInspector inspector = MailboxInspector.connect(endpoint, mailbox, PASSWORD)) {
            int count = 0;
            for (FolderPath folder : inspector.folders()) {
                count += inspector.messages(folder).size();
            }
            return count;
        }
    }

    /** The folders of {@code mailbox} on the server at {@code port}, e.g. {@code [INBOX]}. */
    public static List<String> folders(int port, String mailbox) {
        ImapEndpoint endpoint = ImapEndpoint.parse("imap://127.0.0.1:" + port, "invoker");
        try (MailboxInspector inspector = MailboxInspector.connect(endpoint, mailbox, PASSWORD)) {
            return inspector.folders().collect { it.toString() };
        }
    }

    /** Stops the servers {@link #start} put in {@code context}, if any. */
    public static void stop(Map<String, Object> context) throws Exception {
        Object servers = context.remove("bmaServers");
        if (servers instanceof AutoCloseable) {
            ((AutoCloseable) servers).close();
        }
    }
}

return InvokerMailServers
