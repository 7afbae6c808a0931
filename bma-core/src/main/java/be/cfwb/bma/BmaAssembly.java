package be.cfwb.bma;

import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlanningSettings;
import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.config.SecretResolver;
import be.cfwb.bma.cutover.CutoverHook;
import be.cfwb.bma.graph.GraphConnection;
import be.cfwb.bma.graph.GraphCredentialIssuer;
import be.cfwb.bma.graph.GraphNotifier;
import be.cfwb.bma.graph.GraphSettings;
import be.cfwb.bma.graph.GraphTarget;
import be.cfwb.bma.ledger.LedgerLocation;
import be.cfwb.bma.notify.NotificationSettings;
import be.cfwb.bma.notify.NotifyListener;
import be.cfwb.bma.retry.Sleeper;
import be.cfwb.bma.notify.SmtpNotifier;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.TransferSettings;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole configuration of a {@link Bma} from the {@code bma.*} keys ({@link BmaProperties})
 * and a {@link SecretResolver}: what every Maven goal does, so that an embedder gets exactly
 * what the plugin gets. The plugin only maps Maven (parameters, properties, settings.xml) to
 * these two inputs.
 *
 * <pre>{@code
 * try (BmaAssembly assembly = BmaAssembly.of(properties, secrets)) {
 *     Bma bma = assembly.configuration(BmaAssembly.Verb.RUN).load();
 *     bma.run(assembly.day().orElse(today), assembly.selection(), Optional.empty(), RunListener.NONE,
 *             assembly.dryRun());
 * }
 * }</pre>
 *
 * <p>The connection to Microsoft Graph is opened only when a part needs it (a
 * {@code bma.target=graph} copy, {@code bma.target.auth=oauth2}, {@code bma.smtp.auth=oauth2},
 * Graph sendMail, or the mail-2 password when the Graph app is configured), once, and closed by
 * {@link #close()}: keep the assembly open while the {@code Bma} works.
 */
public final class BmaAssembly implements AutoCloseable {

    /** What the configuration is for: each verb needs its own parts (servers, notifications). */
    public enum Verb {
        /** {@link Bma#plan}: inventory, ledger, planning. */
        PLAN(Servers.NONE, false),
        /** {@link Bma#notify}: notifications, and the old server when {@code bma.source.url} is set. */
        NOTIFY(Servers.IF_SOURCE, true),
        /** {@link Bma#provision}: the target. */
        PROVISION(Servers.REQUIRED, false),
        /** {@link Bma#migrate}: both servers. */
        MIGRATE(Servers.REQUIRED, false),
        /** {@link Bma#verify}: both servers. */
        VERIFY(Servers.REQUIRED, false),
        /** {@link Bma#cutover}: the old server when {@code bma.source.url} is set (to find mail 4). */
        CUTOVER(Servers.IF_SOURCE, false),
        /** {@link Bma#run}: everything. */
        RUN(Servers.REQUIRED, true),
        /** {@link Bma#status}: inventory and ledger. */
        STATUS(Servers.NONE, false),
        /** {@link Bma#report}: inventory and ledger. */
        REPORT(Servers.NONE, false),
        /** {@link Bma#waive}: inventory and ledger (what passes reported). */
        WAIVE(Servers.NONE, false),
        /** {@link Bma#adopt}: the target, searched for another campaign's copies. */
        ADOPT(Servers.REQUIRED, false);

        private final Servers servers;
        private final boolean notifications;

        Verb(Servers servers, boolean notifications) {
            this.servers = servers;
            this.notifications = notifications;
        }
    }

    private enum Servers { NONE, IF_SOURCE, REQUIRED }

    private final BmaSettingsReader properties;
    private final SecretResolver secrets;
    private Clock clock = Clock.system(PlanningSettings.ZONE);
    private Sleeper sleeper = Sleeper.system();
    private NotifyListener listener = NotifyListener.NONE;
    private Optional<GraphConnection> graph;

    private BmaAssembly(BmaSettingsReader properties, SecretResolver secrets) {
        this.properties = Objects.requireNonNull(properties, "properties");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
    }

    /**
     * The assembly of {@code properties} (their {@code bma.*} keys) with the logins and secrets of
     * {@code secrets}. Nothing is opened yet.
     *
     * @throws BmaException {@code INVALID_CONFIGURATION} if a secret is given as a property
     */
    public static BmaAssembly of(Map<String, String> properties, SecretResolver secrets) {
        return of(BmaSettingsReader.of(properties), secrets);
    }

    public static BmaAssembly of(BmaSettingsReader properties, SecretResolver secrets) {
        return new BmaAssembly(properties, secrets);
    }

    /** The clock of the {@code Bma} and of the servers' connections; the system's by default. */
    public BmaAssembly clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** How waits between retries and mails pass; {@link Sleeper#system()} by default, tests pass virtual time. */
    public BmaAssembly sleeper(Sleeper sleeper) {
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        return this;
    }

    /** Who hears of each notification mail handled. */
    public BmaAssembly listener(NotifyListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** The keys read. */
    public BmaSettingsReader properties() {
        return properties;
    }

    /**
     * The configuration {@code verb} needs: inventory, ledger, output, planning and safeguards
     * from the keys, with the servers and notifications of that verb. Load it with
     * {@link BmaConfiguration#load()}; later setters may still change it.
     *
     * @throws BmaException {@code INVALID_CONFIGURATION} naming the key (never a secret) that is
     *                      missing or refused
     */
    public BmaConfiguration configuration(Verb verb) {
        BmaConfiguration configuration = withLedgerLogin(Bma.configure().clock(clock).properties(properties));
        if (verb.servers == Servers.REQUIRED
                || (verb.servers == Servers.IF_SOURCE && properties.has(BmaProperties.SOURCE_URL))) {
            configuration.transfer(transferSettings());
        }
        if (verb.notifications) {
            configuration.notifications(notificationSettings().build());
        }
        return configuration;
    }

    /**
     * The ledger {@code key} names: {@value BmaProperties#LEDGER} (its default directory when
     * unset), or the other side of a copy, {@value BmaProperties#LEDGER_TO} or
     * {@value BmaProperties#LEDGER_FROM}. A database gets the login of {@value SecretResolver#LEDGER}
     * and the lease and files keys, as the configuration's ledger does.
     *
     * @throws BmaException {@code INVALID_CONFIGURATION} naming {@code key} if it is not set (other
     *                      than {@value BmaProperties#LEDGER}) or names an unsupported database
     */
    public LedgerLocation ledger(String key) {
        String value = key.equals(BmaProperties.LEDGER)
                ? properties.string(key).orElse(BmaConfiguration.DEFAULT_LEDGER.toString())
                : properties.required(key, "name the other ledger: a directory, or a jdbc:postgresql://host/database URL");
        return withLedgerLogin(Bma.configure().properties(properties.with(Map.of(BmaProperties.LEDGER, value))))
                .ledgerLocation();
    }

    /** A database ledger's login, from {@value SecretResolver#LEDGER}; never asked for a directory. */
    private BmaConfiguration withLedgerLogin(BmaConfiguration configuration) {
        if (configuration.ledgerIsDatabase()) {
            secrets.login(SecretResolver.LEDGER).ifPresent(configuration::ledgerLogin);
        }
        return configuration;
    }

    /** {@value BmaProperties#MAILBOXES}: the mailboxes to act on, all when unset. */
    public MailboxSelection selection() {
        return MailboxSelection.parse(properties.string(BmaProperties.MAILBOXES).orElse(null));
    }

    /** {@value BmaProperties#DATE}: the day to act for; empty for today. */
    public Optional<LocalDate> day() {
        return properties.date(BmaProperties.DATE);
    }

    /** {@value BmaProperties#DRY_RUN}: show what would be done, change nothing. */
    public boolean dryRun() {
        return properties.bool(BmaProperties.DRY_RUN).orElse(false);
    }

    /** {@value BmaProperties#PASS}: {@code prestage} (the default) or {@code final}. */
    public Pass pass() {
        return properties.parsed(BmaProperties.PASS, Pass::parse).orElse(Pass.PRESTAGE);
    }

    /**
     * The cutover hook {@value BmaProperties#CUTOVER_COMMAND} describes, run from {@code directory}
     * for at most {@value BmaProperties#CUTOVER_TIMEOUT_SECONDS} (default 120) a mailbox; empty
     * when no command is given (ops record cutovers themselves).
     */
    public Optional<CutoverHook> cutoverHook(Path directory) {
        Duration timeout = Duration.ofSeconds(properties.longValue(BmaProperties.CUTOVER_TIMEOUT_SECONDS).orElse(120L));
        return properties.parsed(BmaProperties.CUTOVER_COMMAND, command -> CutoverHook.parse(command, directory, timeout));
    }

    /**
     * How the copy reaches the servers: the old server over IMAP, the target over IMAP
     * ({@code bma.target=imap}, {@code bma.target.url}) or Microsoft Graph ({@code bma.target=graph},
     * {@code bma.graph.*}). Logins: credentials files, else the servers {@value SecretResolver#SOURCE},
     * {@value SecretResolver#TARGET} and {@value SecretResolver#GRAPH} of the secret resolver.
     */
    public TransferSettings transferSettings() {
        TransferSettings.Builder transfer = TransferSettings.from(properties, secrets,
                () -> graph().map(GraphConnection::exchangeTokens), clock);
        if (!TransferSettings.targetIsImap(properties)) {
            GraphTarget.configure(transfer, graph().orElseThrow(() -> new BmaException(
                    BmaErrorCode.INVALID_CONFIGURATION, "bma.target=graph needs the Graph app: bma.graph.tenant, and its"
                    + " client id and secret in settings.xml server '" + SecretResolver.GRAPH + "' or the environment")));
        }
        return transfer.build();
    }

    /**
     * The notification settings the keys describe: templates, senders, links and rate; mails
     * leave by SMTP ({@code bma.smtp.*}, login of the server {@code bma.smtp.server} names) or,
     * with {@code bma.notify.transport=graph}, by Graph sendMail; the mail-2 password is set
     * through Graph when the Graph app is configured. A dry run gets no notifier.
     */
    public NotificationSettings.Builder notificationSettings() {
        NotificationSettings.Builder notifications = NotificationSettings.builder().read(properties).listener(listener)
                .sleeper(sleeper);
        graph().ifPresent(g -> notifications.credentialIssuer(new GraphCredentialIssuer(g, sleeper, 8,
                NotificationSettings.changePasswordAtFirstSignIn(properties))));
        if (dryRun()) {
            return notifications;
        }
        if (NotificationSettings.transport(properties) == NotificationSettings.Transport.GRAPH) {
            notifications.notifier(new GraphNotifier(graph().orElseThrow(() -> new BmaException(
                    BmaErrorCode.INVALID_CONFIGURATION, "bma.notify.transport=graph needs the Graph app (bma.graph.*)")),
                    sleeper));
        } else {
            notifications.notifier(SmtpNotifier.from(properties, secrets,
                    () -> graph().map(GraphConnection::exchangeTokens), sleeper));
        }
        return notifications;
    }

    /**
     * The connection to Microsoft Graph, if the {@code bma.graph.*} keys or the login of
     * {@value SecretResolver#GRAPH} configure one; opened on first use, closed by {@link #close()}.
     */
    public Optional<GraphConnection> graph() {
        if (graph == null) {
            // Only a configured app is opened: without one, the parts that need Graph say so themselves.
            graph = GraphSettings.isConfigured(properties, secrets)
                    ? Optional.of(GraphConnection.open(GraphSettings.from(properties, secrets)))
                    : Optional.empty();
        }
        return graph;
    }

    /** Closes the Graph connection, if one was opened. */
    @Override
    public void close() {
        if (graph != null) {
            graph.ifPresent(GraphConnection::close);
        }
    }

    @Override
    public String toString() {
        return "BmaAssembly[" + properties + ", " + secrets + "]";
    }
}
