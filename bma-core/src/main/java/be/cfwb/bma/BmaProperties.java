package be.cfwb.bma;

/**
 * The one vocabulary of configuration keys, shared by the fluent API
 * ({@link BmaConfiguration#properties(java.util.Map)}), the Maven goals' {@code -D}
 * properties and the environment. Each key is documented where it is applied.
 */
public final class BmaProperties {

    public static final String INVENTORY = "bma.inventory";
    public static final String LEDGER = "bma.ledger";
    public static final String OUTPUT = "bma.output";
    public static final String MAILBOXES = "bma.mailboxes";
    public static final String DATE = "bma.date";
    public static final String DRY_RUN = "bma.dryRun";
    public static final String SKIP = "bma.skip";
    /** Microsoft Graph (see {@code be.cfwb.bma.graph.GraphSettings}); secrets from settings.xml or the environment. */
    public static final String GRAPH_TENANT = "bma.graph.tenant";
    public static final String GRAPH_CLIENT_ID = "bma.graph.clientId";
    public static final String GRAPH_CLIENT_SECRET = "bma.graph.clientSecret";
    public static final String GRAPH_CERTIFICATE = "bma.graph.certificate";
    public static final String GRAPH_CERTIFICATE_PASSWORD = "bma.graph.certificatePassword";
    public static final String GRAPH_BASE_URL = "bma.graph.baseUrl";
    public static final String GRAPH_MAX_MESSAGE_SIZE = "bma.graph.maxMessageSize";
    public static final String GRAPH_CONCURRENCY = "bma.graph.concurrency";
    /** The old IMAP server, {@code imap://host:port} or {@code imaps://host:port}. */
    public static final String SOURCE_URL = "bma.source.url";
    /** The target IMAP server. */
    public static final String TARGET_URL = "bma.target.url";
    /** A per-mailbox credentials file for the source ({@code address;password} lines). */
    public static final String SOURCE_CREDENTIALS = "bma.source.credentials";
    /** A per-mailbox credentials file for the target. */
    public static final String TARGET_CREDENTIALS = "bma.target.credentials";
    /** Mailboxes copied at once. */
    public static final String PARALLELISM = "bma.parallelism";
    /** {@code prestage} or {@code final}. */
    public static final String PASS = "bma.pass";
    /** {@code exchange} (default) or {@code preserve}. */
    public static final String FOLDER_MAPPING = "bma.folderMapping";
    /** The largest message the target takes, in bytes (default Exchange's 35 MiB). */
    public static final String TARGET_MAX_MESSAGE_SIZE = "bma.target.maxMessageSize";

    private BmaProperties() {
    }
}
