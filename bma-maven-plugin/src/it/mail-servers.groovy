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

    /** The Entra app of the OAuth builds (global-settings.xml server bma-graph holds its id and secret). */
    public static final String TENANT = 'cfwb.onmicrosoft.com'
    public static final String CLIENT_ID = '0f8fad5b-d9cb-469f-a165-70867728950e'
    public static final String CLIENT_SECRET = 'it-app~s3cret.value'
    /** The token the stand-in hands out for Exchange Online (IMAP/SMTP), GreenMail's password for it. */
    public static final String EXCHANGE_TOKEN = 'it-exchange-token-7f3a'

    /**
     * As {@link #start}, with the target logged in to by XOAUTH2: the new server's password of
     * each mailbox is {@link #EXCHANGE_TOKEN} (GreenMail takes the bearer token as the password),
     * which only the token endpoint stand-in hands out, to the app of global-settings.xml. The
     * build is told {@code bma.target.auth=oauth2}, the tenant, the stand-in's authority and its
     * certificate; not where a target password would be.
     */
    public static void startWithOAuthTarget(File basedir, Map<String, Object> context, List<String> mailboxes,
                                            int messages) {
        startServers(basedir, context, mailboxes, messages, PASSWORD, true, EXCHANGE_TOKEN)
        Properties user = (Properties) context.get("userProperties")
        user.remove("bma.target.credentials")
        user.setProperty("bma.target.auth", "oauth2")
        startTokenEndpoint(basedir, context, null)
    }

    /**
     * Starts the Entra token endpoint stand-in (https, a certificate made now) for the app of
     * global-settings.xml: Exchange's scope gets {@link #EXCHANGE_TOKEN}, Graph's {@code graphToken}
     * if given. Tells the build the tenant, the authority and the certificate to trust.
     */
    public static void startTokenEndpoint(File basedir, Map<String, Object> context, String graphToken) {
        def entra = be.cfwb.bma.testing.graph.TokenEndpointStandIn.start(basedir.toPath().resolve('target/token-endpoint'))
                .app(TENANT, CLIENT_ID, CLIENT_SECRET)
                .token('https://outlook.office365.com/.default', EXCHANGE_TOKEN)
        if (graphToken != null) {
            entra.token('https://graph.microsoft.com/.default', graphToken)
        }
        context.put("bmaTokenEndpoint", entra)
        Properties user = (Properties) context.get("userProperties")
        user.setProperty("bma.graph.tenant", TENANT)
        user.setProperty("bma.graph.authority", entra.authority())
        user.setProperty("bma.graph.trustCertificate", entra.trustCertificate().toString())
    }

    /**
     * The servers of a migration day to Graph ({@code bma:run -Dbma.target=graph}): the old server
     * (GreenMail IMAP and SMTP in one, so that the notifications land in the old mailboxes,
     * seeded with {@code messages} sample messages each), the Graph stand-in holding the target
     * mailboxes, and the token endpoint stand-in that gives the app of global-settings.xml the
     * Graph stand-in's token. The build learns the old server, its credentials file, the SMTP
     * server, the Graph base URL, the tenant, the authority and its certificate.
     */
    public static void startForGraphRun(File basedir, Map<String, Object> context, List<String> mailboxes, int messages) {
        def imap = new com.icegreen.greenmail.util.ServerSetup(0, "127.0.0.1", com.icegreen.greenmail.util.ServerSetup.PROTOCOL_IMAP)
        def smtp = new com.icegreen.greenmail.util.ServerSetup(0, "127.0.0.1", com.icegreen.greenmail.util.ServerSetup.PROTOCOL_SMTP)
        imap.setServerStartupTimeout(10_000)
        smtp.setServerStartupTimeout(10_000)
        def oldServer = new com.icegreen.greenmail.util.GreenMail([imap, smtp] as com.icegreen.greenmail.util.ServerSetup[])
        oldServer.start()
        def graph = be.cfwb.bma.testing.graph.GraphStandIn.start()
        context.put("bmaServers", ({ ->
            oldServer.stop()
            graph.close()
        } as AutoCloseable))
        context.put("bmaGraph", graph)
        context.put("bmaOldServer", oldServer)
        ImapEndpoint endpoint = ImapEndpoint.parse("imap://127.0.0.1:" + oldServer.getImap().getPort(), "old server")
        StringBuilder source = new StringBuilder()
        for (String m : mailboxes) {
            BmaAddress address = BmaAddress.parse(m)
            oldServer.setUser(address.toString(), address.toString(), PASSWORD)
            graph.addUser(address.toString())
            try (MailboxSeeder seeder = MailboxSeeder.connect(endpoint, address.toString(), PASSWORD)) {
                SampleMailboxes.seed(seeder, address, messages)
            }
            source.append(address).append(';').append(PASSWORD).append('\n')
        }
        Path dir = basedir.toPath().resolve("target/credentials")
        Files.createDirectories(dir)
        writeOwnerOnly(dir.resolve("source.csv"), source)
        context.put("bmaSourcePort", oldServer.getImap().getPort())
        Properties user = (Properties) context.get("userProperties")
        user.setProperty("bma.source.url", endpoint.toString())
        user.setProperty("bma.source.credentials", dir.resolve("source.csv").toString())
        user.setProperty("bma.smtp.host", "127.0.0.1")
        user.setProperty("bma.smtp.port", Integer.toString(oldServer.getSmtp().getPort()))
        user.setProperty("bma.smtp.security", "none")
        user.setProperty("bma.graph.baseUrl", graph.baseUrl())
        startTokenEndpoint(basedir, context, graph.token())
    }

    /** The scopes the token endpoint stand-in handed tokens for, e.g. {@code [https://outlook.office365.com/.default]}. */
    public static List<String> grantedScopes(Map<String, Object> context) {
        def entra = context.get("bmaTokenEndpoint")
        return entra.requests().findAll { it.status() == 200 }.collect { it.scope() }
    }

    private static void startServers(File basedir, Map<String, Object> context, List<String> mailboxes, int messages,
                                     String sourcePassword, boolean credentialsFiles) {
        startServers(basedir, context, mailboxes, messages, sourcePassword, credentialsFiles, PASSWORD)
    }

    private static void startServers(File basedir, Map<String, Object> context, List<String> mailboxes, int messages,
                                     String sourcePassword, boolean credentialsFiles, String targetPassword) {
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
            newServer.createUser(address, targetPassword);
            try (MailboxSeeder seeder = oldServer.seeder(address, PASSWORD)) {
                SampleMailboxes.seed(seeder, address, messages);
            }
            source.append(address).append(';').append(sourcePassword).append('\n');
            target.append(address).append(';').append(PASSWORD).append('\n');
        }
        Path dir = basedir.toPath().resolve("target/credentials");
        try {
            Files.createDirectories(dir);
            writeOwnerOnly(dir.resolve("source.csv"), source);
            writeOwnerOnly(dir.resolve("target.csv"), target);
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

    /** Writes a credentials file owner-only, or the toolkit refuses it as ssh would. */
    private static void writeOwnerOnly(Path file, CharSequence content) {
        Files.writeString(file, content, StandardCharsets.UTF_8)
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))
    }

    /** How many messages {@code mailbox} holds on the server at {@code port}, over every folder. */
    public static int messageCount(int port, String mailbox) {
        return messageCount(port, mailbox, PASSWORD)
    }

    /** As {@link #messageCount(int, String)}, logging in with {@code password}. */
    public static int messageCount(int port, String mailbox, String password) {
        ImapEndpoint endpoint = ImapEndpoint.parse("imap://127.0.0.1:" + port, "invoker");
        try (MailboxInspector inspector = MailboxInspector.connect(endpoint, mailbox, password)) {
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
        Object entra = context.remove("bmaTokenEndpoint");
        if (entra != null) {
            entra.close();
        }
        Object servers = context.remove("bmaServers");
        if (servers instanceof AutoCloseable) {
            ((AutoCloseable) servers).close();
        }
    }
}

return InvokerMailServers
