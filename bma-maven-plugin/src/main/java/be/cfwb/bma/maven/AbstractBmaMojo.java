package be.cfwb.bma.maven;

import be.cfwb.bma.Bma;
import be.cfwb.bma.ledger.LedgerLocation;
import be.cfwb.bma.BmaConfiguration;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.Safeguards;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.LoginMethod;
import be.cfwb.bma.cutover.CutoverHook;
import be.cfwb.bma.graph.GraphConnection;
import be.cfwb.bma.graph.GraphCredentialIssuer;
import be.cfwb.bma.graph.GraphNotifier;
import be.cfwb.bma.graph.GraphSettings;
import be.cfwb.bma.graph.GraphTarget;
import be.cfwb.bma.notify.NotificationSettings;
import be.cfwb.bma.notify.Sleeper;
import be.cfwb.bma.notify.SmtpNotifier;
import be.cfwb.bma.transfer.TransferSettings;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

import javax.inject.Inject;

import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * What every goal shares: the {@code bma.*} parameters, building the core's configuration,
 * and turning the core's outcome into Maven's. Configuration and infrastructure problems
 * become {@link MojoExecutionException}; an unsuccessful result becomes
 * {@link MojoFailureException} (see {@link #fail}).
 */
public abstract class AbstractBmaMojo extends AbstractMojo {

    private Optional<GraphConnection> graph;

    /**
     * The connection to Microsoft Graph, if the {@code bma.graph.*} keys or the settings.xml
     * server {@code bma-graph} configure one; opened once per goal and closed when it ends.
     */
    protected Optional<GraphConnection> graph(Map<String, String> properties) {
        if (graph == null) {
            Optional<Login> app = login(GRAPH_SERVER);
            Map<String, String> graphProperties = app.isEmpty() ? new HashMap<>(properties)
                    : GraphSettings.withAppLogin(properties, app.get().user(), app.get().password().reveal());
            boolean configured = graphProperties.containsKey(BmaProperties.GRAPH_CLIENT_ID)
                    || graphProperties.containsKey(BmaProperties.GRAPH_TENANT)
                    || System.getenv(GraphSettings.environmentName(BmaProperties.GRAPH_CLIENT_ID)) != null;
            // Only a configured app is opened: without one, goals that need Graph say so themselves.
            graph = configured
                    ? Optional.of(GraphConnection.open(GraphSettings.fromProperties(graphProperties, System.getenv())))
                    : Optional.empty();
            graph.ifPresent(resources::push);
        }
        return graph;
    }

    /**
     * The notification settings the {@code bma.*} keys describe: templates, senders, links and
     * rate; mails leave by SMTP ({@code bma.smtp.*}, login from the server named by
     * {@code bma.smtp.server}) or, with {@code bma.notify.transport=graph}, by Graph sendMail;
     * the mail-2 password is set through Graph when the Graph app is configured.
     */
    protected NotificationSettings.Builder notificationSettings(Map<String, String> properties,
                                                                                   boolean dryRun) {
        NotificationSettings.Builder notifications =
                NotificationSettings.builder().properties(properties);
        Optional<GraphConnection> graph = graph(properties);
        graph.ifPresent(g -> notifications.credentialIssuer(
                new GraphCredentialIssuer(g, Sleeper.system(), 8,
                        NotificationSettings.changePasswordAtFirstSignIn(properties))));
        if (dryRun) {
            return notifications;
        }
        if (NotificationSettings.graphTransport(properties)) {
            notifications.notifier(new GraphNotifier(graph.orElseThrow(() -> new BmaException(
                    BmaErrorCode.INVALID_CONFIGURATION, "bma.notify.transport=graph needs the Graph app (bma.graph.*)")),
                    Sleeper.system()));
        } else {
            String server = properties.get(BmaProperties.SMTP_SERVER);
            boolean oauth2 = LoginMethod.of(properties, BmaProperties.SMTP_AUTH) == LoginMethod.OAUTH2;
            Optional<Login> smtp = server == null || oauth2 ? Optional.empty()
                    : Optional.of(requireLogin(server, "the SMTP server (" + BmaProperties.SMTP_SERVER + ")"));
            notifications.notifier(SmtpNotifier.fromProperties(properties, smtp,
                    () -> graph(properties).map(GraphConnection::exchangeTokens), Sleeper.system()));
        }
        return notifications;
    }

    /** The settings.xml server (or environment prefix) of the old server's admin login. */
    static final String SOURCE_SERVER = "bma-source";
    /** The settings.xml server of the IMAP target's admin login. */
    static final String TARGET_SERVER = "bma-target";
    /** The settings.xml server of the Graph application: username = client id, password = client secret. */
    static final String GRAPH_SERVER = "bma-graph";

    /** The inventory file: the FW-B open-data export or our own CSV format (detected). */
    @Parameter(property = "bma.inventory", required = true)
    protected File inventory;

    /**
     * The ledger: a directory (JSON Lines; keep it outside {@code target/}: it remembers what was sent
     * and copied), or a {@code jdbc:postgresql://host[:port]/database} URL that several runners share,
     * its login in settings.xml server {@code bma-ledger} or the environment.
     */
    @Parameter(property = "bma.ledger", defaultValue = "${project.basedir}/bma-ledger", required = true)
    protected String ledger;

    /** With a database ledger: how long a runner holds a mailbox without renewing its lease (seconds). */
    @Parameter(property = "bma.ledger.leaseSeconds", defaultValue = "120")
    protected int leaseSeconds = 120;

    /** Where reports and generated files go. */
    @Parameter(property = "bma.output", defaultValue = "${project.build.directory}/bma", required = true)
    protected File outputDirectory;

    /** Comma-separated addresses or short forms ({@code ec001394,po000478}); empty means all. */
    @Parameter(property = "bma.mailboxes")
    protected String mailboxes;

    /** The day to act for, ISO ({@code 2024-11-04}); empty means today. */
    @Parameter(property = "bma.date")
    protected String date;

    /** Show what would be done, change nothing. */
    @Parameter(property = "bma.dryRun", defaultValue = "false")
    protected boolean dryRun;

    /** Skip this goal. */
    @Parameter(property = "bma.skip", defaultValue = "false")
    protected boolean skip;

    @Parameter(defaultValue = "${settings}", readonly = true)
    protected Settings settings;

    @Inject
    SettingsDecrypter settingsDecrypter;

    @Parameter(defaultValue = "${session}", readonly = true)
    private MavenSession session;

    @Parameter(defaultValue = "${project}", readonly = true)
    MavenProject project;

    /** Connections opened while configuring, closed when the goal ends. */
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("bma: skipped (bma.skip)");
            return;
        }
        try {
            Bma bma;
            try {
                bma = configuration().load();
            } catch (BmaException e) {
                throw new MojoExecutionException(e.getMessage(), e);
            }
            try {
                run(bma);
            } catch (BmaException e) {
                throw new MojoExecutionException("[" + e.code() + "] " + e.getMessage(), e);
            }
        } finally {
            while (!resources.isEmpty()) {
                try {
                    resources.pop().close();
                } catch (Exception e) {
                    getLog().debug("Closing a connection failed", e);
                }
            }
        }
    }

    /**
     * How the copy reaches the servers, from the {@code bma.*} keys: the old server over IMAP,
     * the target over IMAP ({@code bma.target=imap}, {@code bma.target.url}) or Microsoft Graph
     * ({@code bma.target=graph}, {@code bma.graph.*}). Logins come from the settings.xml servers
     * {@code bma-source}, {@code bma-target} and {@code bma-graph} (client id and secret) or the
     * environment, never from the POM.
     */
    protected TransferSettings transferSettings(Map<String, String> properties) {
        boolean targetOauth2 = LoginMethod.of(properties, BmaProperties.TARGET_AUTH) == LoginMethod.OAUTH2;
        TransferSettings.Builder transfer = TransferSettings.fromProperties(
                properties, adminLogin(properties, BmaProperties.SOURCE_CREDENTIALS, SOURCE_SERVER),
                targetOauth2 ? Optional.empty() : adminLogin(properties, BmaProperties.TARGET_CREDENTIALS, TARGET_SERVER),
                () -> graph(properties).map(GraphConnection::exchangeTokens), Clock.systemUTC());
        if (!TransferSettings.targetIsImap(properties)) {
            GraphTarget.configure(transfer, graph(properties).orElseThrow(() -> new BmaException(
                    BmaErrorCode.INVALID_CONFIGURATION, "bma.target=graph needs the Graph app: bma.graph.tenant, and its"
                    + " client id and secret in settings.xml server '" + GRAPH_SERVER + "' or the environment")));
        }
        return transfer.build();
    }

    /** The core configuration these parameters describe; pure, no side effect. */
    protected BmaConfiguration configuration() {
        return Bma.configure()
                .inventory(inventory.toPath())
                .ledger(ledgerLocation())
                .outputDirectory(outputDirectory.toPath())
                .safeguards(Safeguards.defaults().withProperties(bmaProperties()));
    }

    /** {@code bma.ledger} as a location (a database with its login from settings.xml or the environment). */
    protected LedgerLocation ledgerLocation() {
        Path base = project != null && project.getBasedir() != null ? project.getBasedir().toPath() : Path.of("");
        return LedgerLocations.of(ledger, base, leaseSeconds, CredentialsLookup.of(settings, settingsDecrypter));
    }

    /** The goal itself: one call into {@code bma}, then rendering its result. */
    protected abstract void run(Bma bma) throws MojoExecutionException, MojoFailureException;

    protected MailboxSelection selection() {
        return MailboxSelection.parse(mailboxes);
    }

    /** {@code bma.date}, or empty for today's goal semantics. */
    protected Optional<LocalDate> day() {
        if (date == null || date.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(date.strip()));
        } catch (DateTimeParseException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "bma.date '" + date + "' is not a date; write it as YYYY-MM-DD, e.g. 2024-11-04");
        }
    }

    /**
     * Every {@code bma.*} property of the project and the command line (which wins): the one
     * vocabulary the core's settings read ({@code BmaProperties}), so a goal that combines
     * several steps configures each the same way as the goal of that step does.
     */
    protected Map<String, String> bmaProperties() {
        Map<String, String> properties = new TreeMap<>();
        if (project != null) {
            project.getProperties().forEach((k, v) -> put(properties, k, v));
        }
        if (session != null) {
            session.getUserProperties().forEach((k, v) -> put(properties, k, v));
        }
        return properties;
    }

    /** Keys that hold secrets: read from settings.xml servers or the environment only, never the POM. */
    static final java.util.Set<String> SECRET_KEYS = java.util.Set.of(BmaProperties.GRAPH_CLIENT_SECRET,
            BmaProperties.GRAPH_CERTIFICATE_PASSWORD);

    private void put(Map<String, String> properties, Object key, Object value) {
        String k = key.toString();
        if (SECRET_KEYS.contains(k)) {
            getLog().warn(k + " is ignored here: secrets come from settings.xml (server " + GRAPH_SERVER
                    + ") or the environment, never from the POM or the command line");
            return;
        }
        if (k.startsWith("bma.") && value != null && !value.toString().isBlank()) {
            properties.put(k, value.toString().strip());
        }
    }

    /**
     * The login of a {@code settings.xml} server id (password decrypted by Maven) or of its
     * environment variables ({@code BMA_SOURCE_USERNAME}/{@code _PASSWORD} for {@code bma-source}),
     * if either is given.
     *
     * @throws BmaException if it is given but cannot be decrypted or lacks a username or password
     */
    protected Optional<Login> login(String serverId) {
        try {
            Optional<ServerCredentials> found = CredentialsLookup.of(settings, settingsDecrypter).find(serverId);
            return found.map(CredentialsLookup::toLogin);
        } catch (MojoExecutionException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, e.getMessage(), e);
        }
    }

    /** The admin login of a server, looked up only when no per-mailbox credentials file is given. */
    private Optional<Login> adminLogin(Map<String, String> properties, String credentialsFileKey, String serverId) {
        return properties.containsKey(credentialsFileKey) ? Optional.empty() : login(serverId);
    }

    /**
     * As {@link #login}, but required: a missing login is an error naming the server id and
     * both ways to give it.
     *
     * @param purpose what it is for, e.g. "the SMTP server (bma.smtp.server)"
     */
    protected Login requireLogin(String serverId, String purpose) {
        try {
            return CredentialsLookup.toLogin(CredentialsLookup.of(settings, settingsDecrypter).require(serverId, purpose));
        } catch (MojoExecutionException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, e.getMessage(), e);
        }
    }

    /**
     * The cutover hook {@code command} describes, run from the project's directory; empty when no
     * command is given (ops record cutovers themselves).
     */
    protected Optional<CutoverHook> cutoverHook(String command, int timeoutSeconds) {
        if (command == null || command.isBlank()) {
            return Optional.empty();
        }
        File directory = project != null && project.getBasedir() != null ? project.getBasedir() : new File(".");
        return Optional.of(CutoverHook.parse(command, directory.toPath(),
                Duration.ofSeconds(timeoutSeconds)));
    }

    /**
     * The configuration with the old server (and the target) when {@code bma.source.url} is set:
     * what {@code bma:notify} and {@code bma:cutover} need to look for the mails in the old mailbox.
     */
    protected BmaConfiguration withOldServer(BmaConfiguration configuration, Map<String, String> properties) {
        return properties.containsKey(BmaProperties.SOURCE_URL) ? configuration.transfer(transferSettings(properties))
                : configuration;
    }

    /** Fails the build with one summary line that points at the report. */
    protected static MojoFailureException fail(String summary, File report) {
        return new MojoFailureException(summary + (report == null ? "" : " (see " + report + ")"));
    }
}
