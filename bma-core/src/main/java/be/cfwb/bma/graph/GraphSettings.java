package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.retry.Sleeper;
import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.config.SecretResolver;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.Secret;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach Microsoft Graph and how hard to push it. Immutable; built with {@link #builder()}
 * or from the {@code bma.graph.*} keys ({@link #from(BmaSettingsReader, SecretResolver)}).
 *
 * <p>The defaults are Microsoft's documented Outlook limits per app and mailbox: 4 concurrent
 * requests, 10,000 requests per 10 minutes, 150 MB of upload per 5 minutes; each request under
 * 4 MB; a tenant message size limit of 35 MB unless the tenant raised it.
 */
public final class GraphSettings {

    public static final String PUBLIC_CLOUD = "https://graph.microsoft.com/v1.0";
    public static final String PUBLIC_AUTHORITY = "https://login.microsoftonline.com/";
    /** Outlook: at most 4 concurrent requests per app and mailbox. */
    public static final int MAX_MAILBOX_CONCURRENCY = 4;
    /** Graph refuses write requests above 4 MB (HTTP 413). */
    public static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;
    /** Attachments from this size go through an upload session; below it, one POST. */
    public static final long UPLOAD_SESSION_THRESHOLD = 3_000_000L;
    /** Exchange Online's default maximum message size. */
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 35L * 1024 * 1024;

    // Property keys (bma.graph.*, defined in BmaProperties); secrets should come from settings.xml or the environment.
    public static final String TENANT = BmaProperties.GRAPH_TENANT;
    public static final String CLIENT_ID = BmaProperties.GRAPH_CLIENT_ID;
    public static final String CLIENT_SECRET = BmaProperties.GRAPH_CLIENT_SECRET;
    public static final String CERTIFICATE = BmaProperties.GRAPH_CERTIFICATE;
    public static final String CERTIFICATE_PASSWORD = BmaProperties.GRAPH_CERTIFICATE_PASSWORD;
    public static final String BASE_URL = BmaProperties.GRAPH_BASE_URL;
    public static final String MAX_MESSAGE_SIZE = BmaProperties.GRAPH_MAX_MESSAGE_SIZE;
    public static final String CONCURRENCY = BmaProperties.GRAPH_CONCURRENCY;
    public static final String AUTHORITY = BmaProperties.GRAPH_AUTHORITY;
    public static final String TRUST_CERTIFICATE = BmaProperties.GRAPH_TRUST_CERTIFICATE;

    private final GraphCredentials credentials;
    private final URI baseUrl;
    private final String authority;
    private final Path trustCertificate;
    private final int mailboxConcurrency;
    private final int requestsPerWindow;
    private final Duration requestWindow;
    private final long uploadBytesPerWindow;
    private final Duration uploadWindow;
    private final int maxRetries;
    private final long maxMessageSize;
    private final int uploadChunkSize;
    private final Duration timeout;
    private final Clock clock;
    private final Sleeper sleeper;

    private GraphSettings(Builder b) {
        if (b.credentials == null) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Graph credentials are missing: set "
                    + TENANT + ", " + CLIENT_ID + " and " + CLIENT_SECRET + " (or " + CERTIFICATE + ")");
        }
        this.credentials = b.credentials;
        this.baseUrl = b.baseUrl;
        this.authority = b.authority;
        this.trustCertificate = b.trustCertificate;
        this.mailboxConcurrency = b.mailboxConcurrency;
        this.requestsPerWindow = b.requestsPerWindow;
        this.requestWindow = b.requestWindow;
        this.uploadBytesPerWindow = b.uploadBytesPerWindow;
        this.uploadWindow = b.uploadWindow;
        this.maxRetries = b.maxRetries;
        this.maxMessageSize = b.maxMessageSize;
        this.uploadChunkSize = b.uploadChunkSize;
        this.timeout = b.timeout;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The non-secret {@code bma.graph.*} keys, which the plugin also reads from the environment ({@code BMA_GRAPH_TENANT}...). */
    public static final List<String> KEYS = List.of(TENANT, CLIENT_ID, CERTIFICATE, BASE_URL, MAX_MESSAGE_SIZE, CONCURRENCY,
            AUTHORITY, TRUST_CERTIFICATE);

    /**
     * Whether a Graph app is configured: {@value BmaProperties#GRAPH_TENANT} or
     * {@value BmaProperties#GRAPH_CLIENT_ID} set, or the login of {@value SecretResolver#GRAPH} given.
     */
    public static boolean isConfigured(BmaSettingsReader p, SecretResolver secrets) {
        return p.hasAny(TENANT, CLIENT_ID) || secrets.login(SecretResolver.GRAPH).isPresent();
    }

    /**
     * Reads the {@code bma.graph.*} keys; the app's login comes from {@code secrets}: server
     * {@value SecretResolver#GRAPH} (user = client id, password = client secret or, when
     * {@value BmaProperties#GRAPH_CERTIFICATE} names a certificate, its password), else the
     * secrets {@value BmaProperties#GRAPH_CLIENT_SECRET} / {@value BmaProperties#GRAPH_CERTIFICATE_PASSWORD}.
     * A client secret wins over a certificate when both are given; no secret is ever in a message.
     */
    public static GraphSettings from(BmaSettingsReader p, SecretResolver secrets) {
        Builder b = builder();
        Optional<Login> app = secrets.login(SecretResolver.GRAPH);
        String tenant = p.string(TENANT).orElse(null);
        String client = app.map(Login::user).or(() -> p.string(CLIENT_ID)).orElse(null);
        Optional<Path> certificate = p.path(CERTIFICATE);
        Optional<Secret> secret = certificate.isPresent() ? secrets.secret(CLIENT_SECRET)
                : app.map(Login::password).or(() -> secrets.secret(CLIENT_SECRET));
        if ((secret.isPresent() || certificate.isPresent()) && (tenant == null || client == null)) {
            // Names the missing key; the secret itself is never part of a message.
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Graph credentials are incomplete: set "
                    + (tenant == null ? TENANT : CLIENT_ID) + " beside the app's " + (secret.isPresent() ? CLIENT_SECRET : CERTIFICATE));
        }
        if (secret.isPresent()) {
            b.credentials(GraphCredentials.clientSecret(tenant, client, secret.get().reveal()));
        } else if (certificate.isPresent()) {
            Optional<Secret> password = app.map(Login::password).or(() -> secrets.secret(CERTIFICATE_PASSWORD));
            b.credentials(GraphCredentials.certificate(tenant, client, certificate.get(),
                    password.map(Secret::reveal).orElse(null)));
        } else if (tenant != null || client != null) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Graph app " + (client == null ? "" : client + " ")
                    + "of tenant " + tenant
                    + " has no credential: set " + CLIENT_SECRET + " or " + CERTIFICATE
                    + " (from settings.xml or the environment, never the POM)");
        }
        p.string(BASE_URL).ifPresent(b::baseUrl);
        p.string(AUTHORITY).ifPresent(b::authority);
        p.path(TRUST_CERTIFICATE).ifPresent(b::trustCertificate);
        p.size(MAX_MESSAGE_SIZE).ifPresent(b::maxMessageSize);
        p.parsed(CONCURRENCY, v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                        CONCURRENCY + " must be a whole number from 1 to 4, not '" + v + "'");
            }
        }).ifPresent(b::mailboxConcurrency);
        return b.build();
    }

    public GraphCredentials credentials() {
        return credentials;
    }

    /** The v1.0 root, e.g. {@code https://graph.microsoft.com/v1.0}. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** Entra ID's authority root, ending with {@code /}; the tenant follows it. */
    public String authority() {
        return authority;
    }

    /** The certificates trusted for the authority instead of the JVM's ({@code bma.graph.trustCertificate}). */
    public Optional<Path> trustCertificate() {
        return Optional.ofNullable(trustCertificate);
    }

    public int mailboxConcurrency() {
        return mailboxConcurrency;
    }

    public int requestsPerWindow() {
        return requestsPerWindow;
    }

    public Duration requestWindow() {
        return requestWindow;
    }

    public long uploadBytesPerWindow() {
        return uploadBytesPerWindow;
    }

    public Duration uploadWindow() {
        return uploadWindow;
    }

    public int maxRetries() {
        return maxRetries;
    }

    public long maxMessageSize() {
        return maxMessageSize;
    }

    public int uploadChunkSize() {
        return uploadChunkSize;
    }

    public Duration timeout() {
        return timeout;
    }

    public Clock clock() {
        return clock;
    }

    /** What waits out a 429/503/504 before the request is sent again. */
    public Sleeper sleeper() {
        return sleeper;
    }

    @Override
    public String toString() {
        return "GraphSettings[" + baseUrl + ", " + credentials + ", concurrency=" + mailboxConcurrency
                + ", maxMessageSize=" + maxMessageSize + "]";
    }

    /** Checks each value as it is set. */
    public static final class Builder {
        private GraphCredentials credentials;
        private URI baseUrl = URI.create(PUBLIC_CLOUD);
        private String authority = PUBLIC_AUTHORITY;
        private Path trustCertificate;
        private int mailboxConcurrency = MAX_MAILBOX_CONCURRENCY;
        private int requestsPerWindow = 10_000;
        private Duration requestWindow = Duration.ofMinutes(10);
        private long uploadBytesPerWindow = 150L * 1024 * 1024;
        private Duration uploadWindow = Duration.ofMinutes(5);
        private int maxRetries = 10;
        private long maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private int uploadChunkSize = 3_670_016;
        private Duration timeout = Duration.ofMinutes(2);
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();

        private Builder() {
        }

        public Builder credentials(GraphCredentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** The v1.0 root: Graph's public cloud by default, the stand-in's {@code baseUrl()} in tests. */
        public Builder baseUrl(String url) {
            URI uri;
            try {
                uri = URI.create(Objects.requireNonNull(url, "base URL").replaceAll("/+$", ""));
            } catch (IllegalArgumentException e) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BASE_URL + " is not a URL: '" + url + "'");
            }
            boolean loopback = "127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost());
            if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && loopback)) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BASE_URL + " must be https (plain http only"
                        + " on loopback, for the stand-in): '" + url + "'");
            }
            if (!uri.getPath().endsWith("/v1.0")) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BASE_URL + " must end with /v1.0: '" + url + "'");
            }
            this.baseUrl = uri;
            return this;
        }

        /**
         * Entra ID's authority root ({@code bma.graph.authority}): https only, as MSAL requires;
         * e.g. {@code https://login.microsoftonline.us/} for a sovereign cloud, or the token
         * endpoint stand-in's.
         */
        public Builder authority(String authority) {
            String a = Objects.requireNonNull(authority, "authority").strip();
            URI uri;
            try {
                uri = URI.create(a);
            } catch (IllegalArgumentException e) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, AUTHORITY + " is not a URL: '" + a + "'");
            }
            if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, AUTHORITY + " must be an https URL such as "
                        + PUBLIC_AUTHORITY + ", not '" + a + "'");
            }
            this.authority = a.endsWith("/") ? a : a + "/";
            return this;
        }

        /** A PEM file of the certificate(s) to trust for the authority, instead of the JVM's trust store. */
        public Builder trustCertificate(Path pem) {
            Path p = Objects.requireNonNull(pem, "trustCertificate");
            if (!Files.isReadable(p)) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, TRUST_CERTIFICATE + " '" + p
                        + "' cannot be read; give a PEM file of the authority's certificate or CA");
            }
            this.trustCertificate = p;
            return this;
        }

        /** Concurrent requests per mailbox, 1 to 4 (Outlook's limit). */
        public Builder mailboxConcurrency(int concurrency) {
            if (concurrency < 1 || concurrency > MAX_MAILBOX_CONCURRENCY) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                        "Graph concurrency per mailbox must be from 1 to 4 (Outlook's limit), not " + concurrency);
            }
            this.mailboxConcurrency = concurrency;
            return this;
        }

        /** Request budget per mailbox: at most {@code requests} in any {@code window}. */
        public Builder requestBudget(int requests, Duration window) {
            if (requests < 1 || window.isNegative() || window.isZero()) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Graph request budget must be positive");
            }
            this.requestsPerWindow = requests;
            this.requestWindow = window;
            return this;
        }

        /** Upload budget per mailbox: at most {@code bytes} in any {@code window}. */
        public Builder uploadBudget(long bytes, Duration window) {
            if (bytes < MAX_REQUEST_BYTES || window.isNegative() || window.isZero()) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                        "Graph upload budget must allow at least one 4 MB request per window");
            }
            this.uploadBytesPerWindow = bytes;
            this.uploadWindow = window;
            return this;
        }

        /** Retries of a 429/503/504 within one call, after the server's Retry-After, 0 to 10. */
        public Builder maxRetries(int retries) {
            if (retries < 0 || retries > 10) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Graph retries must be from 0 to 10, not " + retries);
            }
            this.maxRetries = retries;
            return this;
        }

        /** The tenant's maximum message size; larger messages are reported, not sent. */
        public Builder maxMessageSize(long bytes) {
            if (bytes < 1024 * 1024 || bytes > 150L * 1024 * 1024) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                        MAX_MESSAGE_SIZE + " must be between 1 MB and 150 MB (Exchange Online's ceiling), not " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /** Bytes per upload-session PUT; under 4 MB. */
        public Builder uploadChunkSize(int bytes) {
            if (bytes < 64 * 1024 || bytes >= MAX_REQUEST_BYTES) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                        "Upload chunks must be from 64 KB to under 4 MB, not " + bytes);
            }
            this.uploadChunkSize = bytes;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** What waits out a 429/503/504; tests pass one that moves virtual time instead of sleeping. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        public GraphSettings build() {
            return new GraphSettings(this);
        }
    }
}
