package be.cfwb.bma.maven;

import be.cfwb.bma.BmaProperties;

import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.util.Map;

/**
 * What {@code bma:migrate} and {@code bma:verify} share: the servers, the credentials
 * (settings.xml servers {@value #SOURCE_SERVER} and {@value #TARGET_SERVER}, decrypted by
 * Maven, or per-mailbox credentials files), parallelism and folder mapping. No password is
 * ever a parameter.
 */
public abstract class AbstractTransferMojo extends AbstractBmaMojo {


    /** Where mail is written: {@code imap} ({@code bma.target.url}) or {@code graph} (Microsoft Graph, {@code bma.graph.*}). */
    @Parameter(property = "bma.target", defaultValue = "imap")
    protected String target;

    /** The old IMAP server: {@code imaps://host:993} (or {@code imap://} with STARTTLS; plaintext only on loopback). */
    @Parameter(property = "bma.source.url")
    protected String sourceUrl;

    /** The target IMAP server, e.g. {@code imaps://outlook.office365.com:993}. */
    @Parameter(property = "bma.target.url")
    protected String targetUrl;

    /**
     * How the IMAP target is logged in to: {@code password} (credentials file or settings.xml
     * server {@code bma-target}) or {@code oauth2} (SASL XOAUTH2 as each mailbox, with the token of
     * the Graph app, {@code bma.graph.tenant} and settings.xml server {@code bma-graph}).
     */
    @Parameter(property = "bma.target.auth", defaultValue = "password")
    protected String targetAuth;

    /** Per-mailbox source passwords, {@code address;password} lines; else the settings.xml server {@code bma-source}. */
    @Parameter(property = "bma.source.credentials")
    protected File sourceCredentials;

    /** Per-mailbox target passwords; else the settings.xml server {@code bma-target}. */
    @Parameter(property = "bma.target.credentials")
    protected File targetCredentials;

    /** Mailboxes copied at once. */
    @Parameter(property = "bma.parallelism", defaultValue = "4")
    protected int parallelism;

    /** Connections over which one mailbox's folders are copied at once, 1 to 8; the library's default 2. */
    @Parameter(property = "bma.connectionsPerMailbox", defaultValue = "2")
    protected int connectionsPerMailbox;

    /** The round trip (ms) from which a mailbox's further connections are opened; default the library's 5, 0: always. */
    @Parameter(property = "bma.furtherConnectionsFromMs")
    protected Integer furtherConnectionsFromMs;

    /** {@code exchange} (special folders to Exchange's) or {@code preserve} (every name as in the source). */
    @Parameter(property = "bma.folderMapping", defaultValue = "exchange")
    protected String folderMapping;

    /** The largest message the target takes, in bytes; default Exchange's 35 MiB. */
    @Parameter(property = "bma.target.maxMessageSize")
    protected Long maxMessageSize;

    @Override
    protected void parameters(Map<String, String> p) {
        super.parameters(p);
        put(p, BmaProperties.SOURCE_URL, sourceUrl);
        put(p, BmaProperties.TARGET, target);
        put(p, BmaProperties.TARGET_URL, targetUrl);
        put(p, BmaProperties.TARGET_AUTH, targetAuth);
        put(p, BmaProperties.SOURCE_CREDENTIALS, sourceCredentials == null ? null : sourceCredentials.getPath());
        put(p, BmaProperties.TARGET_CREDENTIALS, targetCredentials == null ? null : targetCredentials.getPath());
        put(p, BmaProperties.PARALLELISM, Integer.toString(parallelism));
        put(p, BmaProperties.CONNECTIONS_PER_MAILBOX, Integer.toString(connectionsPerMailbox));
        put(p, BmaProperties.FURTHER_CONNECTIONS_FROM_MS,
                furtherConnectionsFromMs == null ? null : furtherConnectionsFromMs.toString());
        put(p, BmaProperties.FOLDER_MAPPING, folderMapping);
        put(p, BmaProperties.TARGET_MAX_MESSAGE_SIZE, maxMessageSize == null ? null : maxMessageSize.toString());
    }
}
