package be.cfwb.bma.notify;

import be.cfwb.bma.retry.Sleeper;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.credentials.AccessToken;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.LoginMethod;
import be.cfwb.bma.credentials.TokenSupplier;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

import static be.cfwb.bma.internal.Failures.firstLine;
import static be.cfwb.bma.internal.Failures.hasIoCause;
import static be.cfwb.bma.internal.Failures.rootMessage;

/**
 * Sends notifications by SMTP submission (Jakarta Mail / Angus): STARTTLS (required, not
 * opportunistic) or TLS, server certificate and host name checked, authenticated when a user
 * is configured. One connection is kept open across mails and reopened when it drops.
 *
 * <p>A temporary refusal (4xx, e.g. Exchange's "421 4.7.0 too many messages") is waited out
 * with the {@link Sleeper}, up to {@value #RETRIES} times. Failures are classified for the
 * crash rule: refused or unreachable is {@code NOTIFICATION_FAILED}; an I/O failure once the
 * transaction has started is {@code NOTIFICATION_UNCERTAIN}, as the server may have accepted
 * the data before the connection broke.
 *
 * <p>With app-only OAuth 2.0 ({@code bma.smtp.auth=oauth2}, Exchange Online's
 * {@code SMTP.SendAsApp}) it logs in with SASL XOAUTH2 as each mail's sender, with a token of the
 * Entra app, reconnecting when the sender changes; a token the server refuses is replaced once by
 * one obtained afresh.
 *
 * <p>Not thread-safe: one run uses it from one thread.
 */
public final class SmtpNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpNotifier.class);
    static final int RETRIES = 3;
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(30);

    private final SmtpSettings settings;
    private final Sleeper sleeper;
    private final Session session;
    /** The app's tokens with XOAUTH2; null for a password login or none. */
    private final TokenSupplier tokens;
    private Transport transport;
    /** The sender the open connection is logged in as, with XOAUTH2. */
    private String connectedAs;

    public SmtpNotifier(SmtpSettings settings, Sleeper sleeper) {
        this(settings, null, sleeper);
    }

    /**
     * Submits with SASL XOAUTH2, logged in as each mail's sender with {@code appTokens} (scope
     * {@code https://outlook.office365.com/.default}); {@code settings} carries no login then.
     */
    public SmtpNotifier(SmtpSettings settings, TokenSupplier appTokens, Sleeper sleeper) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.tokens = appTokens;
        if (appTokens != null && settings.username().isPresent()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "SMTP with XOAUTH2 logs in as each sender;"
                    + " the settings must not name a user too (" + settings.username().get() + ")");
        }
        Properties p = properties(settings);
        if (appTokens != null) {
            p.put("mail.smtp.auth", "true");
            p.put("mail.smtp.auth.mechanisms", "XOAUTH2");
            p.put("mail.smtp.auth.xoauth2.disable", "false");
        }
        this.session = Session.getInstance(p);
        if (settings.security() == SmtpSettings.Security.NONE && !SmtpSettings.isLoopback(settings.host())) {
            LOG.warn("SMTP to {} without TLS, as explicitly allowed", settings.host());
        }
    }

    public SmtpNotifier(SmtpSettings settings) {
        this(settings, Sleeper.system());
    }

    /**
     * The notifier the {@code bma.smtp.*} keys describe: {@link SmtpSettings#fromProperties} and,
     * with {@value BmaProperties#SMTP_AUTH}{@code =oauth2}, XOAUTH2 with the tokens of
     * {@code appTokens} (the Graph app's for Exchange Online; asked only then), else the password
     * {@code login} of the server {@value BmaProperties#SMTP_SERVER} names, if any.
     *
     * @throws BmaException {@code INVALID_CONFIGURATION} naming the key when the keys contradict
     */
    public static SmtpNotifier fromProperties(Map<String, String> properties, Optional<Login> login,
                                              Supplier<Optional<TokenSupplier>> appTokens, Sleeper sleeper) {
        if (LoginMethod.of(properties, BmaProperties.SMTP_AUTH) == LoginMethod.PASSWORD) {
            return new SmtpNotifier(SmtpSettings.fromProperties(properties, login.map(Login::user),
                    login.map(Login::password)), sleeper);
        }
        String server = properties.get(BmaProperties.SMTP_SERVER);
        if (login.isPresent() || (server != null && !server.isBlank())) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.SMTP_AUTH + "=oauth2 logs in"
                    + " with the app's token as each sender, but " + BmaProperties.SMTP_SERVER + " names a password"
                    + " login: remove one");
        }
        SmtpSettings settings = SmtpSettings.fromProperties(properties, Optional.empty(), Optional.empty());
        if (settings.security() == SmtpSettings.Security.NONE && !SmtpSettings.isLoopback(settings.host())) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.SMTP_AUTH + "=oauth2 sends a"
                    + " bearer token: " + BmaProperties.SMTP_SECURITY + " must be starttls or tls for " + settings.host());
        }
        TokenSupplier tokens = appTokens.get().orElseThrow(() -> new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                BmaProperties.SMTP_AUTH + "=oauth2 needs the Entra app: set " + BmaProperties.GRAPH_TENANT
                        + ", and its client id and secret (or certificate) in settings.xml server 'bma-graph'"
                        + " or the environment"));
        return new SmtpNotifier(settings, tokens, sleeper);
    }

    private static Properties properties(SmtpSettings s) {
        Properties p = new Properties();
        String timeout = Long.toString(s.timeout().toMillis());
        p.put("mail.smtp.host", s.host());
        p.put("mail.smtp.port", Integer.toString(s.port()));
        p.put("mail.smtp.connectiontimeout", timeout);
        p.put("mail.smtp.timeout", timeout);
        p.put("mail.smtp.writetimeout", timeout);
        p.put("mail.smtp.auth", Boolean.toString(s.username().isPresent()));
        p.put("mail.mime.charset", "UTF-8");
        switch (s.security()) {
            case STARTTLS -> {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
                p.put("mail.smtp.ssl.protocols", "TLSv1.3 TLSv1.2");
            }
            case TLS -> {
                p.put("mail.smtp.ssl.enable", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
                p.put("mail.smtp.ssl.protocols", "TLSv1.3 TLSv1.2");
            }
            case NONE -> {
            }
        }
        s.sslContext().ifPresent(c -> p.put("mail.smtp.ssl.socketFactory", c.getSocketFactory()));
        return p;
    }

    @Override
    public void send(OutgoingMail mail) {
        MimeMessage message = MimeWriter.toMessage(mail, session);
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            connect(mail.from().address());
            try {
                transport.sendMessage(message, message.getAllRecipients());
                return;
            } catch (SMTPSendFailedException e) {
                if (e.getReturnCode() < 0) {
                    // No reply at all: the server may have taken the data and died before answering.
                    disconnect();
                    throw uncertain(mail, "no reply: " + firstLine(e.getMessage()));
                }
                if (e.getReturnCode() >= 400 && e.getReturnCode() < 500 && attempt <= RETRIES) {
                    LOG.info("{} asks to wait ({}) before {}; retrying in {}", settings.host(), e.getReturnCode(),
                            mail, backoff);
                    disconnect();
                    sleeper.sleep(backoff);
                    backoff = backoff.multipliedBy(2);
                    continue;
                }
                disconnect();
                throw new BmaException(BmaErrorCode.NOTIFICATION_FAILED, settings.host() + " refused " + mail
                        + ": " + e.getReturnCode() + " " + firstLine(e.getMessage()));
            } catch (SendFailedException e) {
                disconnect();
                throw new BmaException(BmaErrorCode.NOTIFICATION_FAILED, settings.host() + " refused " + mail
                        + ": " + firstLine(e.getMessage()));
            } catch (MessagingException e) {
                disconnect();
                if (hasIoCause(e)) {
                    throw uncertain(mail, rootMessage(e));
                }
                throw new BmaException(BmaErrorCode.NOTIFICATION_FAILED, settings.host() + " failed on " + mail
                        + ": " + firstLine(e.getMessage()));
            }
        }
    }

    private BmaException uncertain(OutgoingMail mail, String why) {
        return new BmaException(BmaErrorCode.NOTIFICATION_UNCERTAIN, "The connection to " + settings.host()
                + " broke while sending " + mail + " (" + why + "); the server may have accepted it");
    }

    private void connect(String sender) {
        if (tokens != null && transport != null && !sender.equalsIgnoreCase(connectedAs)) {
            disconnect();
        }
        if (transport != null && transport.isConnected()) {
            return;
        }
        if (tokens != null) {
            connectWithToken(sender);
            return;
        }
        try {
            transport = session.getTransport("smtp");
            if (settings.username().isPresent()) {
                transport.connect(settings.host(), settings.port(), settings.username().get(),
                        settings.password().orElseThrow().reveal());
            } else {
                transport.connect();
            }
        } catch (AuthenticationFailedException e) {
            transport = null;
            throw new BmaException(BmaErrorCode.CONNECTION_FAILED, settings + " refused the credentials of "
                    + settings.username().orElse("?") + "; check the settings.xml server (SMTP AUTH may be"
                    + " disabled for the tenant: then use the Graph notifier)");
        } catch (MessagingException e) {
            transport = null;
            throw new BmaException(BmaErrorCode.CONNECTION_FAILED, "Cannot connect to " + settings + ": "
                    + rootMessage(e));
        }
    }

    /** XOAUTH2 as {@code sender}; a refused token is replaced once by one obtained afresh. */
    private void connectWithToken(String sender) {
        AccessToken token = token(sender);
        for (int attempt = 1; ; attempt++) {
            try {
                transport = session.getTransport("smtp");
                transport.connect(settings.host(), settings.port(), sender, token.token().reveal());
                connectedAs = sender;
                return;
            } catch (AuthenticationFailedException e) {
                transport = null;
                tokens.invalidate(token);
                AccessToken fresh = token(sender);
                if (attempt == 1 && !fresh.token().equals(token.token())) {
                    LOG.info("{} refused the XOAUTH2 token for {}; logging in again with a fresh one", settings.host(),
                            sender);
                    token = fresh;
                    continue;
                }
                throw new BmaException(BmaErrorCode.CONNECTION_FAILED, settings + " refused the app's XOAUTH2 token"
                        + " for sender " + sender + "; check the app's SMTP.SendAsApp permission (admin consent), its"
                        + " Exchange service principal and its permission on that mailbox, and that SMTP AUTH is"
                        + " enabled for it");
            } catch (MessagingException e) {
                transport = null;
                throw new BmaException(BmaErrorCode.CONNECTION_FAILED, "Cannot connect to " + settings + ": "
                        + rootMessage(e));
            }
        }
    }

    private AccessToken token(String sender) {
        try {
            return Objects.requireNonNull(tokens.token(), "the token supplier returned null");
        } catch (BmaException e) {
            throw new BmaException(e.code(), "No XOAUTH2 token to send as " + sender + " through " + settings.host()
                    + ": " + e.getMessage(), e);
        }
    }

    private void disconnect() {
        connectedAs = null;
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException e) {
                LOG.debug("Closing the SMTP connection failed", e);
            }
            transport = null;
        }
    }

    @Override
    public String description() {
        return settings.toString();
    }

    @Override
    public void close() {
        disconnect();
    }

    @Override
    public String toString() {
        return "SmtpNotifier[" + settings + "]";
    }
}
