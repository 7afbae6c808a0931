package be.cfwb.bma.transfer;

/**
 * A server refused the credentials of a mailbox. Never retryable: trying the same password
 * again only brings the account closer to a lockout. {@link #isShared()} tells whether the
 * login is every mailbox's (an admin login, an app's OAuth2 token) rather than this mailbox's
 * own: the engine then stops logging in with it for the rest of the run.
 */
public final class LoginRefusedException extends TransferException {

    private static final long serialVersionUID = 1L;

    private final String server;
    private final String login;
    private final boolean shared;
    private final boolean attempted;

    /**
     * @param message what was refused, where, and what to check; never the secret
     * @param server  the server, e.g. {@code imaps://host:993}
     * @param login   the login as ops know it, e.g. {@code admin login 'x' (settings.xml server bma-source)}
     * @param shared  true if every mailbox logs in with it
     */
    public LoginRefusedException(String message, String server, String login, boolean shared) {
        this(message, server, login, shared, true);
    }

    /**
     * As {@link #LoginRefusedException(String, String, String, boolean)}; {@code attempted}
     * false when no login was tried for this mailbox because the same shared login was refused
     * earlier in the run.
     */
    public LoginRefusedException(String message, String server, String login, boolean shared, boolean attempted) {
        super(message, false, null, null);
        this.server = server;
        this.login = login;
        this.shared = shared;
        this.attempted = attempted;
    }

    /** False if the mailbox was not even tried: its shared login had been refused before. */
    public boolean wasAttempted() {
        return attempted;
    }

    /** The server that refused. */
    public String server() {
        return server;
    }

    /** The login that was refused, as ops know it (never its secret). */
    public String login() {
        return login;
    }

    /** True if every mailbox logs in with these credentials. */
    public boolean isShared() {
        return shared;
    }
}
