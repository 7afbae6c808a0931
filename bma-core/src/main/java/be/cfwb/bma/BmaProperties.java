package be.cfwb.bma;

/**
 * The one vocabulary of configuration keys, shared by the fluent API
 * ({@link BmaConfiguration#properties(java.util.Map)}), the Maven goals' {@code -D}
 * properties and the environment. Each key is documented where it is applied.
 */
public final class BmaProperties {

    public static final String INVENTORY = "bma.inventory";
    /** The ledger: a directory (JSON Lines, the default) or a {@code jdbc:postgresql://host[:port]/database} URL. */
    public static final String LEDGER = "bma.ledger";
    /** With a database ledger: how long a runner holds a mailbox without renewing its lease, in seconds (default 120). */
    public static final String LEDGER_LEASE_SECONDS = "bma.ledger.leaseSeconds";
    /** With a database ledger: the local directory of the files kept beside it (the published plan's copy). */
    public static final String LEDGER_FILES = "bma.ledger.files";
    /** {@code bma:ledger-export}: the new JSON Lines ledger directory to copy the ledger into. */
    public static final String LEDGER_TO = "bma.ledger.to";
    /** {@code bma:ledger-import}: the JSON Lines ledger directory to copy into the (empty) ledger. */
    public static final String LEDGER_FROM = "bma.ledger.from";
    public static final String OUTPUT = "bma.output";
    public static final String MAILBOXES = "bma.mailboxes";
    public static final String DATE = "bma.date";
    public static final String DRY_RUN = "bma.dryRun";
    public static final String SKIP = "bma.skip";
    /** Lets goals that send, reset or copy act for a {@link #DATE} after today (default {@code false}). */
    public static final String ALLOW_FUTURE_DATE = "bma.allowFutureDate";
    /** Minutes a sent notification may take to appear in the old mailbox before it is reported unconfirmed (default 30). */
    public static final String DELIVERY_WAIT_MINUTES = "bma.delivery.waitMinutes";
    /** Whether a mailbox is cut over only once mail 4 is found in its old mailbox (default: true when the old server is configured). */
    public static final String REQUIRE_MAIL4_DELIVERED = "bma.cutover.requireMail4Delivered";
    /** Microsoft Graph (see {@code be.cfwb.bma.graph.GraphSettings}); secrets from settings.xml or the environment. */
    public static final String GRAPH_TENANT = "bma.graph.tenant";
    public static final String GRAPH_CLIENT_ID = "bma.graph.clientId";
    public static final String GRAPH_CLIENT_SECRET = "bma.graph.clientSecret";
    public static final String GRAPH_CERTIFICATE = "bma.graph.certificate";
    public static final String GRAPH_CERTIFICATE_PASSWORD = "bma.graph.certificatePassword";
    public static final String GRAPH_BASE_URL = "bma.graph.baseUrl";
    public static final String GRAPH_MAX_MESSAGE_SIZE = "bma.graph.maxMessageSize";
    public static final String GRAPH_CONCURRENCY = "bma.graph.concurrency";
    /** Entra ID's authority (token endpoint root), {@code https://login.microsoftonline.com/} unless a sovereign cloud or a stand-in. */
    public static final String GRAPH_AUTHORITY = "bma.graph.authority";
    /** A PEM file of the certificate(s) to trust for {@link #GRAPH_AUTHORITY} instead of the JVM's trust store. */
    public static final String GRAPH_TRUST_CERTIFICATE = "bma.graph.trustCertificate";
    /**
     * How the IMAP target is logged in to: {@code password} (the default: credentials file or admin
     * login) or {@code oauth2} (SASL XOAUTH2 with the Graph app's token for Exchange Online).
     */
    public static final String TARGET_AUTH = "bma.target.auth";
    /**
     * How SMTP submission logs in: {@code password} (the default: the login of {@link #SMTP_SERVER},
     * none without it) or {@code oauth2} (XOAUTH2 as each mail's sender, with the Graph app's token).
     */
    public static final String SMTP_AUTH = "bma.smtp.auth";

    /** {@code bma:waive}: the reported messages to waive, {@code <folder>/<uid>}, comma-separated. */
    public static final String WAIVE = "bma.waive";
    /** {@code bma:waive}: why, recorded with the waive (optional). */
    public static final String WAIVE_REASON = "bma.waive.reason";

    /** Planning ({@code bma:plan}): the days of each wave, {@code 2024-10-01..2024-10-25}. */
    public static final String WINDOW_PO = "bma.window.po";
    public static final String WINDOW_EC = "bma.window.ec";
    /** Planning: most mailboxes migrated a day, per kind. */
    public static final String CAPACITY_PO = "bma.capacity.po";
    public static final String CAPACITY_EC = "bma.capacity.ec";
    /** Planning: whether the wave may use school-holiday days ({@code true}/{@code false}). */
    public static final String SCHOOL_HOLIDAYS_PO = "bma.schoolHolidays.po";
    public static final String SCHOOL_HOLIDAYS_EC = "bma.schoolHolidays.ec";
    /** Planning: working days between mail 1 and the migration day. */
    public static final String LEAD_DAYS = "bma.leadDays";
    /** Planning: time of day ({@code HH:mm}, Europe/Brussels) of each mail. */
    public static final String MAIL1_TIME = "bma.mail1.time";
    public static final String MAIL2_TIME = "bma.mail2.time";
    public static final String MAIL3_TIME = "bma.mail3.time";
    public static final String MAIL4_TIME = "bma.mail4.time";
    /** Planning: most notification mails the senders may send in an hour. */
    public static final String MAILS_PER_HOUR = "bma.mailsPerHour";
    /** Planning: extra closed days, {@code ;}-separated {@code [name=]range}. */
    public static final String CLOSED_DAYS = "bma.closedDays";
    /** Planning: school holidays, {@code ;}-separated {@code name=range}; replaces the default calendar. */
    public static final String SCHOOL_CALENDAR = "bma.schoolCalendar";
    /** Planning: obligation windows, {@code ;}-separated (see {@code Blackout}); replaces the defaults. */
    public static final String BLACKOUTS = "bma.blackouts";
    /** Planning: most megabytes migrated a day, per kind (capacity weighted by mailbox size); unset for no limit. */
    public static final String VOLUME_PER_DAY_PO = "bma.volumePerDay.po";
    public static final String VOLUME_PER_DAY_EC = "bma.volumePerDay.ec";
    /** Planning: CSV file {@code address,bytes} of the mailbox sizes known (e.g. from the old server's quota report). */
    public static final String MAILBOX_SIZES = "bma.mailboxSizes";
    /** Planning: organising bodies ({@code po000478,...}) whose establishments migrate on one day. */
    public static final String KEEP_TOGETHER = "bma.keepTogether";
    /** Planning: no mail 1 before this day, ISO date (default 2024-09-30, the circular's date; {@code none} for no limit). */
    public static final String ANNOUNCE_FROM = "bma.announceFrom";
    /** Planning: working days from the migration day to the access date of the new interface (default 0, the same day). */
    public static final String ACCESS_DELAY_DAYS = "bma.accessDelayDays";
    /**
     * Planning: working days between a mailbox's pre-stage copy and its migration day (0: the day
     * itself); unset or {@code auto}: sized from the day's volume ({@code PrestageSettings}).
     */
    public static final String PRESTAGE_DAYS = "bma.prestageDays";

    /**
     * Notifications: whether the password of mail 2 must be changed at the first sign-in
     * (default {@code false}: the circular does not ask it, and several people share a BMA).
     */
    public static final String PASSWORD_CHANGE_AT_FIRST_SIGN_IN = "bma.password.changeAtFirstSignIn";
    /** Notifications: a directory whose {@code mailN.*} files replace the built-in templates. */
    public static final String NOTIFY_TEMPLATES = "bma.notify.templates";
    /** Notifications: the link to the new interface (mails 3 and 4). */
    public static final String NOTIFY_INTERFACE_URL = "bma.notify.interfaceUrl";
    /** Notifications: the links to the two tutorials of mail 3. */
    public static final String NOTIFY_TUTORIAL1_URL = "bma.notify.tutorial1Url";
    public static final String NOTIFY_TUTORIAL2_URL = "bma.notify.tutorial2Url";
    /** Notifications: sending rate per sender, {@code 30/min,10000/day}. */
    public static final String NOTIFY_RATE = "bma.notify.rate";
    /** Notifications: the SGNE sender (mails 1 and 3): display name, address, reply-to. */
    public static final String NOTIFY_SGNE_NAME = "bma.notify.sgne.name";
    public static final String NOTIFY_SGNE_ADDRESS = "bma.notify.sgne.address";
    public static final String NOTIFY_SGNE_REPLY_TO = "bma.notify.sgne.replyTo";
    /** Notifications: the ETNIC sender (mails 2 and 4): display name, address, reply-to. */
    public static final String NOTIFY_ETNIC_NAME = "bma.notify.etnic.name";
    public static final String NOTIFY_ETNIC_ADDRESS = "bma.notify.etnic.address";
    public static final String NOTIFY_ETNIC_REPLY_TO = "bma.notify.etnic.replyTo";
    /** SMTP submission for notifications: host, port, {@code starttls|tls|none}. */
    /** Notifications: how mails leave, {@code smtp} (the default, {@code bma.smtp.*}) or {@code graph} (sendMail). */
    public static final String NOTIFY_TRANSPORT = "bma.notify.transport";
    public static final String SMTP_HOST = "bma.smtp.host";
    public static final String SMTP_PORT = "bma.smtp.port";
    public static final String SMTP_SECURITY = "bma.smtp.security";
    /** SMTP: the settings.xml server id holding the SMTP user and (encrypted) password. */
    public static final String SMTP_SERVER = "bma.smtp.server";
    /** SMTP: explicit opt-in to a connection without TLS to a non-loopback host. */
    public static final String SMTP_ALLOW_PLAINTEXT = "bma.smtp.allowPlaintext";
    /** Where mail is written: {@code imap} (the default, {@link #TARGET_URL}) or {@code graph} (Microsoft Graph, {@code bma.graph.*}). */
    public static final String TARGET = "bma.target";
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
    /**
     * Connections (source and target each) one mailbox's folders are copied over at once, 1 to 8
     * (default 4: our assumption that Exchange Online takes a few concurrent IMAP connections per mailbox).
     */
    public static final String CONNECTIONS_PER_MAILBOX = "bma.connectionsPerMailbox";
    /**
     * The round trip, in ms, from which a mailbox's further connections ({@link #CONNECTIONS_PER_MAILBOX}
     * beyond the first) are opened: measured on its first connection to each server, the longer of
     * the two counts. Nearer, one connection copies as fast and costs the servers fewer logins and
     * sessions. 0: always. Default 5 (our assumption: Exchange Online is 10 ms or more away).
     */
    public static final String FURTHER_CONNECTIONS_FROM_MS = "bma.furtherConnectionsFromMs";
    /** {@code prestage} or {@code final}. */
    public static final String PASS = "bma.pass";
    /** A command that switches one mailbox's routing ({@code {address}}, {@code {fase}} replaced); unset: ops record cutovers. */
    public static final String CUTOVER_COMMAND = "bma.cutover.command";
    /** Seconds the cutover command may take for one mailbox (default 120). */
    public static final String CUTOVER_TIMEOUT_SECONDS = "bma.cutover.timeoutSeconds";
    /** {@code exchange} (default) or {@code preserve}. */
    public static final String FOLDER_MAPPING = "bma.folderMapping";
    /** The largest message the target takes, in bytes (default Exchange's 35 MiB). */
    public static final String TARGET_MAX_MESSAGE_SIZE = "bma.target.maxMessageSize";
    /**
     * A PEM file of the certificate(s) to trust for the source server instead of the JVM's
     * trust store (a self-signed or private-CA server); host names are still checked.
     */
    public static final String SOURCE_TRUST_CERTIFICATE = "bma.source.trustCertificate";
    /** As {@link #SOURCE_TRUST_CERTIFICATE}, for the target server. */
    public static final String TARGET_TRUST_CERTIFICATE = "bma.target.trustCertificate";

    private BmaProperties() {
    }
}
