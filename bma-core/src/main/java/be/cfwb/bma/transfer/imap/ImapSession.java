package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.AccessToken;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.transfer.LoginRefusedException;
import be.cfwb.bma.transfer.LoginTurnedAwayException;
import be.cfwb.bma.transfer.TransferException;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One authenticated IMAP connection for one mailbox, shared code of source and target:
 * session properties (TLS checks, timeouts, chunked BODY.PEEK fetches), the three ways to log
 * in, and reconnection before an OAuth2 token expires.
 */
final class ImapSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImapSession.class);
    /** Size of each partial FETCH of a message body: bounds what one read holds in memory. */
    static final int FETCH_BLOCK = 1 << 20;
    private static final Duration TOKEN_MARGIN = Duration.ofMinutes(2);
    /** The capabilities the copy chooses its commands by; see {@link #hasCapability}. */
    static final List<String> CAPABILITIES = List.of("MULTIAPPEND", "LITERAL+", "MOVE");

    private final ImapEndpoint endpoint;
    private final Sessions sessions;
    private final MailboxCredentials credentials;
    private final BmaAddress mailbox;
    private final Clock clock;
    private IMAPStore store;
    private Instant expiresAt = Instant.MAX;
    /** Read by a further connection's session of the same mailbox, on its own thread: known is set last. */
    private volatile char separator;
    private volatile boolean separatorKnown;
    private Set<String> capabilities = Set.of();

    ImapSession(Sessions sessions, MailboxCredentials credentials, BmaAddress mailbox, Clock clock) {
        this.sessions = sessions;
        this.endpoint = sessions.endpoint();
        this.credentials = credentials;
        this.mailbox = mailbox;
        this.clock = clock;
    }

    BmaAddress mailbox() {
        return mailbox;
    }

    ImapEndpoint endpoint() {
        return endpoint;
    }

    /**
     * The connected store, reconnecting first if an OAuth2 token is about to expire. A dropped
     * connection is not probed for here (Angus's isConnected() costs a NOOP round trip): the
     * failing command raises a retryable error and the engine opens a new session.
     */
    IMAPStore store() {
        if (needsReconnect()) {
            if (store != null) {
                close(); // a token about to expire; the first login keeps what it was told (the separator)
            }
            connect();
        }
        return store;
    }

    /**
     * The hierarchy separator (0 if the server has none), asked once per session: Angus's
     * {@code getDefaultFolder().getSeparator()} sends a {@code LIST "" ""} on every call.
     */
    char separator() throws jakarta.mail.MessagingException {
        IMAPStore s = store();
        if (!separatorKnown) {
            separator = s.getDefaultFolder().getSeparator();
            separatorKnown = true;
        }
        return separator;
    }

    /** The hierarchy separator if this session learnt it already (0 if the server has none). */
    Optional<Character> separatorIfKnown() {
        return separatorKnown ? Optional.of(separator) : Optional.empty();
    }

    /** The hierarchy separator as a LIST answer just gave it, sparing {@link #separator()} its own LIST. */
    void knownSeparator(char c) {
        separator = c;
        separatorKnown = true;
    }

    /**
     * Whether the server announced {@code capability} (one of {@link #CAPABILITIES}) after the
     * login. Read once per login, while the login's connection is free: Angus asks the store's
     * connection each time, and an open folder holding it would make the store log in again.
     */
    boolean hasCapability(String capability) {
        if (!CAPABILITIES.contains(capability)) {
            throw new IllegalArgumentException("not a capability read at login: " + capability);
        }
        store();
        return capabilities.contains(capability);
    }

    /**
     * Where a command that needs no particular folder goes: the connection {@code open} holds if it
     * is open, else the store's. Never a new login: while a folder holds the store's connection,
     * Angus would log in again for a store command.
     */
    IMAPFolder channel(IMAPFolder open) throws MessagingException {
        return open != null && open.isOpen() && !needsReconnect() ? open : (IMAPFolder) store().getDefaultFolder();
    }

    /**
     * The shortest round trip to this server in the run: two NOOPs on the {@link #channel} of
     * {@code open}, and every earlier measure of the server's other sessions. A loaded machine only
     * ever adds to a round trip, so the shortest seen is the nearest to the network's; once the run
     * has {@value Sessions#ROUND_TRIP_SAMPLES} measures of the server, that is what it answers,
     * without asking (at 20 ms, two NOOPs on each side were a tenth of a small mailbox's time).
     * Empty if the connection failed, which the next real command will meet and retry.
     */
    Optional<Duration> roundTrip(IMAPFolder open) {
        OptionalLong known = sessions.measuredRoundTrip();
        if (known.isPresent()) {
            return Optional.of(Duration.ofNanos(known.getAsLong()));
        }
        try {
            IMAPFolder channel = channel(open);
            for (int i = 0; i < 2; i++) {
                long t0 = System.nanoTime();
                channel.doCommand(p -> {
                    p.noop();
                    return null;
                });
                sessions.roundTripMeasured(System.nanoTime() - t0);
            }
        } catch (MessagingException e) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(sessions.shortestRoundTrip()));
    }

    /** True if the next {@link #store()} reconnects (caller must reopen its folders). */
    boolean needsReconnect() {
        return store == null || clock.instant().plus(TOKEN_MARGIN).isAfter(expiresAt);
    }

    private void connect() {
        String user;
        String authorizationId = null;
        AccessToken token = null;
        Secret password;
        Login kind;
        if (credentials instanceof MailboxCredentials.Password pw) {
            user = pw.login();
            password = pw.password();
            kind = Login.PASSWORD;
        } else if (credentials instanceof MailboxCredentials.Master m) {
            user = m.admin();
            password = m.password();
            authorizationId = m.mailbox();
            kind = Login.MASTER;
        } else {
            MailboxCredentials.OAuth2 o = (MailboxCredentials.OAuth2) credentials;
            token = token(o);
            user = o.login();
            password = token.token();
            kind = Login.XOAUTH2;
        }
        Session session = sessions.session(kind);
        String proto = sessions.protocol();
        String required = kind.requiredCapability;
        try {
            store = login(session, proto, required, authorizationId, user, password);
            capabilities = announced(store);
        } catch (AuthenticationFailedException e) {
            if (token == null) {
                throw refused(e, "", password);
            }
            // A token the supplier still believes valid may be refused (clock skew, revoked
            // grant, rotated key): ask for a fresh one, once, rather than give up the mailbox.
            MailboxCredentials.OAuth2 o = (MailboxCredentials.OAuth2) credentials;
            o.tokens().invalidate(token);
            AccessToken fresh = token(o);
            if (fresh.token().equals(token.token())) {
                throw refused(e, " (the token supplier has no other token)", password);
            }
            LOG.info("{} refused the XOAUTH2 token for {} before its expiry; logging in again with a fresh one",
                    endpoint, mailbox);
            token = fresh;
            try {
                store = login(session, proto, required, authorizationId, user, fresh.token());
            } catch (AuthenticationFailedException again) {
                throw refused(again, " (also with a fresh token)", fresh.token());
            }
        }
        if (token != null) {
            expiresAt = token.expiresAt();
        }
    }

    /** A token from the supplier; none to be had (the issuer unreachable) is a connection problem, retried. */
    private AccessToken token(MailboxCredentials.OAuth2 o) {
        try {
            return Objects.requireNonNull(o.tokens().token(), "the token supplier returned null");
        } catch (TransferException e) {
            throw e;
        } catch (BmaException e) {
            throw TransferException.retryable("No XOAUTH2 token to log in to " + endpoint + " for " + mailbox + ": "
                    + e.getMessage(), e);
        }
    }

    private Set<String> announced(IMAPStore store) {
        Set<String> announced = new HashSet<>();
        try {
            for (String c : CAPABILITIES) {
                if (store.hasCapability(c)) {
                    announced.add(c);
                }
            }
        } catch (MessagingException e) {
            throw ImapErrors.translate("Cannot read the capabilities of " + endpoint + " for " + mailbox, e);
        }
        return Set.copyOf(announced);
    }

    /** One login attempt on a new connection; a refusal is Angus's, for the caller to word. */
    private IMAPStore login(Session session, String proto, String required, String authorizationId, String user,
                            Secret password) throws AuthenticationFailedException {
        endpoint.refusePlaintextOffLoopback();
        GuardedStore s = new GuardedStore(session, new URLName(proto, endpoint.host(), endpoint.port(), null, null, null),
                proto, endpoint.tls(), required, authorizationId);
        try {
            s.connect(endpoint.host(), endpoint.port(), user, password.reveal());
        } catch (AuthenticationFailedException e) {
            if (ImapErrors.isBusyLogin(e)) {
                // Not the credentials: no further connection for now. Retried (a further
                // connection of a mailbox leaves its folders to the others), never counted as refused.
                throw new LoginTurnedAwayException("Login to " + endpoint + " for " + mailbox
                        + " turned away for now, not refused: " + masked(e, password));
            }
            throw e;
        } catch (MessagingException e) {
            if (s.refusal != null) {
                throw TransferException.permanent(s.refusal, null);
            }
            throw ImapErrors.translate("Cannot connect to " + endpoint + " for " + mailbox, e);
        }
        return s;
    }

    /**
     * The refusal in words ops can act on, naming the login (never its secret: a server that
     * echoes what it was sent has {@code secret} masked); not retried.
     */
    private LoginRefusedException refused(AuthenticationFailedException e, String note, Secret secret) {
        String said = masked(e, secret);
        String login;
        boolean shared;
        String check;
        if (credentials instanceof MailboxCredentials.Master m) {
            login = m.origin();
            shared = true;
            check = "check the credentials: the password of " + m.origin() + ", which every mailbox uses";
        } else if (credentials instanceof MailboxCredentials.OAuth2) {
            login = "app's XOAUTH2 token";
            shared = true;
            check = "check the credentials: the app's IMAP permission (IMAP.AccessAsApp, admin consent)"
                    + " and its access to the mailbox";
        } else {
            login = "the mailbox's own password";
            shared = false;
            check = "check the credentials: " + mailbox + "'s password";
        }
        return new LoginRefusedException("Login to " + endpoint + " for " + mailbox + " refused" + note + ": "
                + said + "; " + check, endpoint.toString(), login, shared);
    }

    /** The server's words on a login, {@code secret} masked (a server may echo what it was sent). */
    private String masked(AuthenticationFailedException e, Secret secret) {
        String said = ImapErrors.text(e);
        if (said.contains(secret.reveal())) {
            said = said.replace(secret.reveal(), Secret.MASK);
        }
        return withoutTheLoginLine(said, secret);
    }

    /** {@code said} without the PLAIN message a login with {@code secret} sent where the server offers SASL-IR. */
    private String withoutTheLoginLine(String said, Secret secret) {
        if (credentials instanceof MailboxCredentials.Master m) {
            return PlainInitialResponse.of(m.mailbox(), m.admin(), secret.reveal()).masked(said);
        }
        if (credentials instanceof MailboxCredentials.Password pw) {
            return PlainInitialResponse.of(null, pw.login(), secret.reveal()).masked(said);
        }
        return said;
    }

    @Override
    public void close() {
        close(null);
    }

    /**
     * Ends the session; {@code open}, a folder of it still open (or null), is closed by the
     * session's LOGOUT (RFC 3501 6.1.3) rather than by the CLOSE or UNSELECT Angus would send and
     * wait for first: a round trip at the end of every connection, for nothing, since nothing is
     * expunged and every change already had its OK.
     */
    void close(IMAPFolder open) {
        if (open != null && open.isOpen()) {
            try {
                open.doCommand(p -> {
                    p.logout();
                    return null;
                });
                open.forceClose();
            } catch (MessagingException | RuntimeException e) {
                LOG.debug("Logging out of {} failed", endpoint, e);
            }
        }
        if (store != null) {
            try {
                store.close();
            } catch (MessagingException | RuntimeException e) {
                LOG.debug("Closing the IMAP connection to {} failed", endpoint, e);
            }
            store = null;
        }
        separatorKnown = false;
    }

    /** The ways to log in; each needs its own session properties (mechanisms). */
    enum Login {
        PASSWORD("PLAIN LOGIN", null),
        // Without AUTH=PLAIN Angus would fall back to LOGIN and open the admin's own mailbox.
        MASTER("PLAIN", "AUTH=PLAIN"),
        XOAUTH2("XOAUTH2", "AUTH=XOAUTH2");

        private final String mechanisms;
        private final String requiredCapability;

        Login(String mechanisms, String requiredCapability) {
            this.mechanisms = mechanisms;
            this.requiredCapability = requiredCapability;
        }
    }

    /**
     * The Jakarta Mail sessions of one endpoint, one per {@link Login}, built on first use and
     * shared by every connection a connector opens (thread-safe). Building a Session scans the
     * class path for providers and address maps: once per connection it was a fifth of the
     * CPU of a rerun that finds nothing new. Sessions hold no credentials (they go to each
     * store's connect, the master login's authorization identity to each store).
     */
    static final class Sessions {
        private final ImapEndpoint endpoint;
        private final Map<Login, Session> byLogin = new EnumMap<>(Login.class);
        /**
         * Measures of the round trip after which the shortest is taken as the server's (the
         * network's distance does not change during a run; load only lengthens a measure).
         */
        static final int ROUND_TRIP_SAMPLES = 6;
        private final AtomicLong shortestRoundTrip = new AtomicLong(Long.MAX_VALUE);
        private final AtomicInteger roundTripSamples = new AtomicInteger();

        Sessions(ImapEndpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        }

        ImapEndpoint endpoint() {
            return endpoint;
        }

        String protocol() {
            return endpoint.tls() ? "imaps" : "imap";
        }

        /** The shortest round trip measured on this endpoint (in nanoseconds; {@link Long#MAX_VALUE} before any). */
        long shortestRoundTrip() {
            return shortestRoundTrip.get();
        }

        /** Counts a measure of the round trip, {@code nanos}, and keeps the shortest. */
        void roundTripMeasured(long nanos) {
            shortestRoundTrip.accumulateAndGet(nanos, Math::min);
            roundTripSamples.incrementAndGet();
        }

        /** The shortest round trip, once measured {@value #ROUND_TRIP_SAMPLES} times on this endpoint. */
        OptionalLong measuredRoundTrip() {
            return roundTripSamples.get() >= ROUND_TRIP_SAMPLES ? OptionalLong.of(shortestRoundTrip.get()) : OptionalLong.empty();
        }

        synchronized Session session(Login login) {
            return byLogin.computeIfAbsent(login, this::create);
        }

        private Session create(Login login) {
            String pre = "mail." + protocol() + ".";
            Properties p = new Properties();
            long timeout = endpoint.timeout().toMillis();
            p.setProperty(pre + "connectiontimeout", Long.toString(timeout));
            p.setProperty(pre + "timeout", Long.toString(timeout));
            p.setProperty(pre + "writetimeout", Long.toString(timeout));
            p.setProperty(pre + "peek", "true");
            p.setProperty(pre + "partialfetch", "true");
            p.setProperty(pre + "fetchsize", Integer.toString(FETCH_BLOCK));
            p.setProperty(pre + "ssl.checkserveridentity", "true");
            // Without this, a handshake our socket factory refuses (a certificate for another host
            // name) is tried again through the JVM's default one, and the error shows that one.
            p.setProperty(pre + "socketFactory.fallback", "false");
            p.setProperty(pre + "auth.ntlm.disable", "true");
            // Angus's protocol trace (java.util.logging FINEST) must never show the login, whatever else is traced.
            p.setProperty("mail.debug.auth", "false");
            // The login's connection serves the folders opened after it (a login costs the server a
            // process and its mail set-up, about as much CPU as copying a few hundred kB); a second
            // is opened only when a store command meets a folder holding the first, and both stay
            // pooled so that a folder switch never logs in again.
            p.setProperty(pre + "separatestoreconnection", "false");
            p.setProperty(pre + "connectionpoolsize", "2");
            p.setProperty(pre + "connectionpooltimeout", Long.toString(Math.max(timeout, 45_000)));
            if (!endpoint.tls() && !endpoint.plaintext()) {
                p.setProperty(pre + "starttls.enable", "true");
                p.setProperty(pre + "starttls.required", "true");
            }
            p.setProperty(pre + "auth.mechanisms", login.mechanisms);
            if (login == Login.XOAUTH2) {
                p.setProperty(pre + "auth.xoauth2.disable", "false");
            }
            if (endpoint.plaintext() && !ImapEndpoint.isLoopback(endpoint.host())) {
                LOG.warn("Plaintext IMAP to {} (explicit opt-in): passwords cross the network unencrypted", endpoint);
            }
            if (!endpoint.tls()) {
                p.put(pre + "socketFactory", NoDelaySocketFactory.INSTANCE);
            }
            if (endpoint.trustedCertificate().isPresent()) {
                // used for imaps and for STARTTLS alike; the identity check above stays on
                p.put(pre + "ssl.socketFactory", TrustedCertificates.socketFactory(endpoint.trustedCertificate().get()));
            }
            return Session.getInstance(p);
        }
    }

    /** Refuses to log in where the mechanism the credentials need is not offered. */
    private static final class GuardedStore extends IMAPStore {
        private final String requiredCapability;
        private String refusal;

        GuardedStore(Session session, URLName url, String name, boolean ssl, String requiredCapability,
                     String authorizationId) {
            super(session, url, name, ssl);
            this.requiredCapability = requiredCapability;
            // Angus reads mail.imap.sasl.authorizationid into this field when the store is built
            // and uses it for every connection the store opens: per store, the one Session of
            // the endpoint serves every mailbox's master login.
            this.authorizationID = authorizationId;
        }

        @Override
        protected IMAPProtocol newIMAPProtocol(String host, int port) throws IOException, ProtocolException {
            return new OneTripPlainProtocol(name, host, port, session.getProperties(), isSSL, logger);
        }

        @Override
        protected void preLogin(IMAPProtocol p) throws ProtocolException {
            if (requiredCapability != null && !p.hasCapability(requiredCapability)) {
                // Service.host is only set once the login succeeded; the protocol knows where it is.
                refusal = "The server " + p.getInetAddress().getHostAddress() + " does not offer " + requiredCapability
                        + ", which these credentials need; not logging in another way";
                throw new ProtocolException(refusal);
            }
        }
    }
}
