package be.cfwb.bma.transfer;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.config.SecretResolver;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.CredentialsFile;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.LoginMethod;
import be.cfwb.bma.credentials.TokenSupplier;
import be.cfwb.bma.retry.RetryPolicy;
import be.cfwb.bma.retry.Sleeper;
import be.cfwb.bma.transfer.imap.ImapEndpoint;
import be.cfwb.bma.transfer.imap.ImapSource;
import be.cfwb.bma.transfer.imap.ImapTarget;
import be.cfwb.bma.transfer.imap.ImapTraceProbe;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How to transfer: where the source and target are (as connectors), how many mailboxes at
 * once, how folders map, the target's size limit, the memory/disk threshold for spooling,
 * retries. Immutable; built with {@link #builder()}, each setting checked as it is set.
 */
public final class TransferSettings {

    /** Exchange Online's limit for messages written over IMAP. */
    public static final long EXCHANGE_MAX_MESSAGE_SIZE = 35L * 1024 * 1024;
    /** See {@link Builder#connectionsPerMailbox}; our assumption, from the WAN benchmark. */
    public static final int DEFAULT_CONNECTIONS_PER_MAILBOX = 2;
    /** See {@link Builder#furtherConnectionsFrom}; our assumption, below any round trip to Exchange Online. */
    public static final Duration DEFAULT_FURTHER_CONNECTIONS_FROM = Duration.ofMillis(5);

    private final MailboxConnector<MailboxSource> source;
    private final MailboxConnector<MailboxTarget> target;
    private final String description;
    private final int parallelism;
    private final int connectionsPerMailbox;
    private final Duration furtherConnectionsFrom;
    private final FolderMapper folderMapper;
    private final long maxMessageSize;
    private final int memoryThreshold;
    private final Path spoolDirectory;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final Duration maxBackoff;
    private final Sleeper sleeper;
    private final Optional<TraceProbe> probe;
    private final Optional<String> campaign;

    private TransferSettings(Builder b) {
        this.source = b.source;
        // A target that spools gets the transfer's spool directory, whichever was set first.
        this.target = b.target instanceof SpoolingConnector<MailboxTarget> spooling
                ? spooling.spoolingIn(b.spoolDirectory) : b.target;
        this.description = b.description;
        this.parallelism = b.parallelism;
        this.connectionsPerMailbox = b.connectionsPerMailbox;
        this.furtherConnectionsFrom = b.furtherConnectionsFrom;
        this.folderMapper = b.folderMapper;
        this.maxMessageSize = b.maxMessageSize;
        this.memoryThreshold = b.memoryThreshold;
        this.spoolDirectory = b.spoolDirectory;
        this.maxRetries = b.maxRetries;
        this.probe = Optional.ofNullable(b.probe);
        this.campaign = Optional.ofNullable(b.campaign);
        this.retryBackoff = b.retryBackoff;
        this.maxBackoff = b.maxBackoff;
        this.sleeper = b.sleeper;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where mail is written ({@value BmaProperties#TARGET}). */
    public enum TargetKind {
        /** An IMAP server, {@value BmaProperties#TARGET_URL} (the default). */
        IMAP,
        /** Exchange Online through Microsoft Graph ({@code bma.graph.*}). */
        GRAPH
    }

    /**
     * True unless {@value BmaProperties#TARGET} says {@code graph}; then {@link #from} leaves the
     * target to be set by the caller (e.g. {@code GraphTarget.configure}).
     *
     * @throws BmaException if the value is neither {@code imap} nor {@code graph}
     */
    public static boolean targetIsImap(BmaSettingsReader properties) {
        return properties.choice(BmaProperties.TARGET, TargetKind.IMAP) == TargetKind.IMAP;
    }

    /**
     * Settings from the {@code bma.*} keys ({@link BmaProperties}): servers
     * {@code bma.source.url} / {@code bma.target.url}; credentials from
     * {@code bma.source.credentials} / {@code bma.target.credentials} files, else the admin
     * logins of {@code secrets} (servers {@value SecretResolver#SOURCE} / {@value SecretResolver#TARGET}),
     * used for every mailbox through SASL PLAIN's authorization identity; {@code bma.parallelism},
     * {@code bma.folderMapping}, {@code bma.target.maxMessageSize}. With
     * {@value BmaProperties#TARGET_AUTH}{@code =oauth2} the IMAP target is logged in to with SASL
     * XOAUTH2 as each mailbox, with the tokens of {@code appTokens} (the Graph app's for Exchange
     * Online, e.g. {@code GraphConnection::exchangeTokens}; asked only then). With
     * {@value BmaProperties#TARGET}{@code =graph} the target is left unset for the caller to provide.
     *
     * @throws BmaException {@link BmaErrorCode#INVALID_CONFIGURATION} naming the key and the problem
     */
    public static Builder from(BmaSettingsReader p, SecretResolver secrets,
                               Supplier<Optional<TokenSupplier>> appTokens, Clock clock) {
        Builder b = builder();
        LoginMethod targetLogin = p.choice(BmaProperties.TARGET_AUTH, LoginMethod.PASSWORD);
        ImapEndpoint source = ImapEndpoint.parse(server(p, BmaProperties.SOURCE_URL), BmaProperties.SOURCE_URL);
        Optional<Path> sourceTrust = p.path(BmaProperties.SOURCE_TRUST_CERTIFICATE);
        if (sourceTrust.isPresent()) {
            source = source.trusting(sourceTrust.get(), BmaProperties.SOURCE_TRUST_CERTIFICATE);
        }
        b.imapSource(source, credentials(p, BmaProperties.SOURCE_CREDENTIALS, secrets, SecretResolver.SOURCE), clock);
        if (targetIsImap(p)) {
            ImapEndpoint target = ImapEndpoint.parse(server(p, BmaProperties.TARGET_URL), BmaProperties.TARGET_URL);
            Optional<Path> targetTrust = p.path(BmaProperties.TARGET_TRUST_CERTIFICATE);
            if (targetTrust.isPresent()) {
                target = target.trusting(targetTrust.get(), BmaProperties.TARGET_TRUST_CERTIFICATE);
            }
            CredentialSource targetCredentials = targetLogin == LoginMethod.OAUTH2
                    ? CredentialSource.oauth2(appTokens(p, appTokens))
                    : credentials(p, BmaProperties.TARGET_CREDENTIALS, secrets, SecretResolver.TARGET);
            b.imapTarget(target, targetCredentials, clock);
        } else if (targetLogin == LoginMethod.OAUTH2) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.TARGET_AUTH + "=oauth2 is for the"
                    + " IMAP target; with " + BmaProperties.TARGET + "=graph the Graph app signs in by itself: remove "
                    + BmaProperties.TARGET_AUTH);
        }
        p.integer(BmaProperties.PARALLELISM).ifPresent(b::parallelism);
        p.integer(BmaProperties.CONNECTIONS_PER_MAILBOX).ifPresent(b::connectionsPerMailbox);
        p.integer(BmaProperties.FURTHER_CONNECTIONS_FROM_MS).ifPresent(ms -> b.furtherConnectionsFrom(Duration.ofMillis(ms)));
        p.parsed(BmaProperties.FOLDER_MAPPING, v -> FolderMapper.of(FolderMapper.Mode.parse(v))).ifPresent(b::folderMapper);
        p.longValue(BmaProperties.TARGET_MAX_MESSAGE_SIZE).ifPresent(b::maxMessageSize);
        return b;
    }

    /** As {@link #from(BmaSettingsReader, SecretResolver, Supplier, Clock)}, without the Graph app (no XOAUTH2 target). */
    public static Builder from(BmaSettingsReader p, SecretResolver secrets, Clock clock) {
        return from(p, secrets, Optional::empty, clock);
    }

    /** The app's tokens for the XOAUTH2 target, or why there are none, naming the keys to set. */
    private static TokenSupplier appTokens(BmaSettingsReader p, Supplier<Optional<TokenSupplier>> appTokens) {
        if (p.has(BmaProperties.TARGET_CREDENTIALS)) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.TARGET_AUTH + "=oauth2 logs in"
                    + " with the app's token, but " + BmaProperties.TARGET_CREDENTIALS + " gives passwords: remove one");
        }
        return appTokens.get().orElseThrow(() -> new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                BmaProperties.TARGET_AUTH + "=oauth2 needs the Entra app: set " + BmaProperties.GRAPH_TENANT
                        + ", and its client id and secret (or certificate) in settings.xml server 'bma-graph'"
                        + " or the environment"));
    }

    private static String server(BmaSettingsReader p, String key) {
        return p.required(key, "give the server as imaps://host:port");
    }

    /** The credentials file of {@code fileKey}, else the admin login of {@code serverId}, used for every mailbox. */
    private static CredentialSource credentials(BmaSettingsReader p, String fileKey, SecretResolver secrets,
                                                String serverId) {
        Optional<Path> file = p.path(fileKey);
        if (file.isPresent()) {
            try {
                return CredentialsFile.read(file.get());
            } catch (BmaException e) {
                // The message names the file and lines, never a password; say which setting gave it.
                throw new BmaException(e.code(), fileKey + ": " + e.getMessage(), e);
            }
        }
        Optional<Login> admin = secrets.login(serverId);
        if (admin.isPresent()) {
            return CredentialSource.master(admin.get().user(), admin.get().password(),
                    "admin login '" + admin.get().user() + "' (" + secrets.origin(serverId) + ")");
        }
        throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "No credentials: set " + fileKey
                + " to a file of 'address;password' lines, or give an admin/master login: " + secrets.whereToGive(serverId));
    }

    public MailboxConnector<MailboxSource> source() {
        return source;
    }

    public MailboxConnector<MailboxTarget> target() {
        return target;
    }

    public int parallelism() {
        return parallelism;
    }

    /** Connections over which one mailbox's folders are copied at once ({@value BmaProperties#CONNECTIONS_PER_MAILBOX}). */
    public int connectionsPerMailbox() {
        return connectionsPerMailbox;
    }

    /** The round trip from which a mailbox's further connections are opened ({@code bma.furtherConnectionsFromMs}). */
    public Duration furtherConnectionsFrom() {
        return furtherConnectionsFrom;
    }

    public FolderMapper folderMapper() {
        return folderMapper;
    }

    public long maxMessageSize() {
        return maxMessageSize;
    }

    public int memoryThreshold() {
        return memoryThreshold;
    }

    public Path spoolDirectory() {
        return spoolDirectory;
    }

    public int maxRetries() {
        return maxRetries;
    }

    public Duration retryBackoff() {
        return retryBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** What waits before a retry: the real one unless a test passes time itself. */
    public Sleeper sleeper() {
        return sleeper;
    }

    /** The retries of one folder: {@link #maxRetries()}, {@link #retryBackoff()}, {@link #maxBackoff()}, the sleeper. */
    public RetryPolicy retryPolicy() {
        return RetryPolicy.of(maxRetries, retryBackoff, maxBackoff, sleeper);
    }

    /** How to look for another campaign's copies on a target, where the target can say ({@link TraceProbe}). */
    public Optional<TraceProbe> probe() {
        return probe;
    }

    /** The campaign every copy made with these settings carries ({@link CopyTrace}); empty: none. */
    public Optional<String> campaign() {
        return campaign;
    }

    /** A copy whose copies carry {@code campaign} (the ledger's id). */
    public TransferSettings withCampaign(String campaign) {
        if (!CopyTrace.isCampaignId(campaign)) {
            throw new IllegalArgumentException("Not a campaign id: " + campaign);
        }
        Builder b = toBuilder();
        b.campaign = campaign;
        return new TransferSettings(b);
    }

    /** A copy with other connectors (tests inject faults this way). */
    public TransferSettings withConnectors(MailboxConnector<MailboxSource> source, MailboxConnector<MailboxTarget> target) {
        Builder b = toBuilder();
        b.source = Objects.requireNonNull(source, "source");
        b.target = Objects.requireNonNull(target, "target");
        return new TransferSettings(b);
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.source = source;
        b.target = target;
        b.description = description;
        b.parallelism = parallelism;
        b.connectionsPerMailbox = connectionsPerMailbox;
        b.furtherConnectionsFrom = furtherConnectionsFrom;
        b.folderMapper = folderMapper;
        b.maxMessageSize = maxMessageSize;
        b.memoryThreshold = memoryThreshold;
        b.spoolDirectory = spoolDirectory;
        b.maxRetries = maxRetries;
        b.retryBackoff = retryBackoff;
        b.maxBackoff = maxBackoff;
        b.sleeper = sleeper;
        b.probe = probe.orElse(null);
        b.campaign = campaign.orElse(null);
        return b;
    }

    @Override
    public String toString() {
        return "TransferSettings[" + description + ", parallelism=" + parallelism + ", connectionsPerMailbox="
                + connectionsPerMailbox + " from " + furtherConnectionsFrom.toMillis() + " ms, " + folderMapper
                + ", maxMessageSize=" + maxMessageSize + "]";
    }

    /** Builds {@link TransferSettings}; defaults: 4 mailboxes at once, exchange mapping, 35 MiB limit. */
    public static final class Builder {
        private MailboxConnector<MailboxSource> source;
        private MailboxConnector<MailboxTarget> target;
        private TraceProbe probe;
        private String campaign;
        private String sourceDescription = "?";
        private String targetDescription = "?";
        private String description = "";
        private int parallelism = 4;
        private int connectionsPerMailbox = DEFAULT_CONNECTIONS_PER_MAILBOX;
        private Duration furtherConnectionsFrom = DEFAULT_FURTHER_CONNECTIONS_FROM;
        private FolderMapper folderMapper = FolderMapper.exchange();
        private long maxMessageSize = EXCHANGE_MAX_MESSAGE_SIZE;
        private int memoryThreshold = 1 << 20;
        private Path spoolDirectory = Path.of(System.getProperty("java.io.tmpdir"));
        private int maxRetries = 5;
        private Duration retryBackoff = Duration.ofSeconds(2);
        private Duration maxBackoff = Duration.ofMinutes(10);
        private Sleeper sleeper = Sleeper.system();

        private Builder() {
        }

        /** The old IMAP server and how to log in to each mailbox there. */
        public Builder imapSource(ImapEndpoint endpoint, CredentialSource credentials, Clock clock) {
            this.sourceDescription = endpoint.toString();
            return source(ImapSource.connector(endpoint, credentials, clock));
        }

        /** The IMAP target and how to log in to each mailbox there. */
        public Builder imapTarget(ImapEndpoint endpoint, CredentialSource credentials, Clock clock) {
            this.targetDescription = endpoint.toString();
            probe(ImapTraceProbe.of(endpoint, credentials, clock));
            return target(ImapTarget.connector(endpoint, credentials, clock));
        }

        /** How to look for another campaign's copies on the target; set with the IMAP or Graph target. */
        public Builder probe(TraceProbe probe) {
            this.probe = Objects.requireNonNull(probe, "probe");
            return this;
        }

        public Builder source(MailboxConnector<MailboxSource> source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Any target: IMAP, Graph, or a test double. */
        public Builder target(MailboxConnector<MailboxTarget> target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /** Mailboxes copied at once ({@code bma.parallelism}), 1 to 64. */
        public Builder parallelism(int parallelism) {
            if (parallelism < 1 || parallelism > 64) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                        "bma.parallelism " + parallelism + " is out of range; use 1 to 64");
            }
            this.parallelism = parallelism;
            return this;
        }

        /**
         * Connections per mailbox ({@code bma.connectionsPerMailbox}), 1 to 8: its folders are copied
         * over that many source and target connections at once; 1 copies them one after the other.
         * The default 2 is our assumption: within what Exchange Online allows per mailbox, and in the
         * WAN benchmark (20 ms) as fast as 4 once a folder costs few round trips, for half the logins
         * and sessions on both servers (docs/benchmarks/transfer.md).
         */
        public Builder connectionsPerMailbox(int connections) {
            if (connections < 1 || connections > 8) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.CONNECTIONS_PER_MAILBOX + " "
                        + connections + " is out of range; use 1 to 8 (Exchange Online takes a few connections per mailbox)");
            }
            this.connectionsPerMailbox = connections;
            return this;
        }

        /**
         * The round trip from which further connections are opened ({@code bma.furtherConnectionsFromMs}):
         * nearer servers get one connection per mailbox whatever {@link #connectionsPerMailbox} says,
         * since there is no latency to hide and each connection costs both servers a login and a
         * session. {@link Duration#ZERO}: always open them. Default 5 ms, our assumption.
         */
        public Builder furtherConnectionsFrom(Duration roundTrip) {
            if (roundTrip.isNegative() || roundTrip.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.FURTHER_CONNECTIONS_FROM_MS
                        + " " + roundTrip.toMillis() + " is out of range; use 0 (always) to 10000 ms");
            }
            this.furtherConnectionsFrom = roundTrip;
            return this;
        }

        public Builder folderMapper(FolderMapper mapper) {
            this.folderMapper = Objects.requireNonNull(mapper, "folderMapper");
            return this;
        }

        /** The largest message the target takes, trace header included; larger ones are reported. */
        public Builder maxMessageSize(long bytes) {
            if (bytes < 1024) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Maximum message size " + bytes + " is too small");
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /** Messages up to this size are held in memory on their way; larger ones go to a temporary file. */
        public Builder memoryThreshold(int bytes) {
            if (bytes < 0 || bytes > 64 << 20) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Memory threshold " + bytes + " is out of range 0..64 MiB");
            }
            this.memoryThreshold = bytes;
            return this;
        }

        public Builder spoolDirectory(Path directory) {
            this.spoolDirectory = Objects.requireNonNull(directory, "spoolDirectory");
            return this;
        }

        /** Retries of one folder after retryable failures, and the first wait (doubled each time, capped). */
        public Builder retries(int maxRetries, Duration backoff) {
            if (maxRetries < 0 || maxRetries > 100 || backoff.isNegative()) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Retries " + maxRetries + " / backoff " + backoff
                        + " out of range");
            }
            this.maxRetries = maxRetries;
            this.retryBackoff = backoff;
            return this;
        }

        /** The longest wait honoured, even if a server suggests more. */
        public Builder maxBackoff(Duration max) {
            this.maxBackoff = Objects.requireNonNull(max, "maxBackoff");
            return this;
        }

        /** What waits before a retry; tests pass one that moves virtual time instead of sleeping. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        public TransferSettings build() {
            if (source == null || target == null) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Transfer settings need a source and a target:"
                        + " set bma.source.url and bma.target.url");
            }
            description = sourceDescription + " -> " + targetDescription;
            return new TransferSettings(this);
        }
    }
}
