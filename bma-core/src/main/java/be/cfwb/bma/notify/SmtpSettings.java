package be.cfwb.bma.notify;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.credentials.Login;
import be.cfwb.bma.credentials.Secret;

import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how {@link SmtpNotifier} submits mail.
 *
 * @param host             the submission server, e.g. {@code smtp.office365.com}
 * @param port             e.g. 587 (STARTTLS) or 465 (TLS)
 * @param security         how the connection is protected
 * @param username         the account to authenticate as; empty for no authentication
 * @param password         its password (masked in {@code toString()})
 * @param timeout          connect and read timeout
 * @param sslContext       trust material other than the JVM's (e.g. a private CA); empty for the JVM default
 * @param allowPlaintext   explicit opt-in to {@link Security#NONE} on a non-loopback host
 */
public record SmtpSettings(String host, int port, Security security, Optional<String> username,
                           Optional<Secret> password, Duration timeout, Optional<SSLContext> sslContext,
                           boolean allowPlaintext) {

    /** How the SMTP connection is protected. */
    public enum Security {
        /** Plain connection upgraded with STARTTLS, which is required (port 587). */
        STARTTLS,
        /** TLS from the first byte (port 465). */
        TLS,
        /** No protection: loopback only, unless explicitly allowed. */
        NONE
    }

    public SmtpSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        username = username == null ? Optional.empty() : username.filter(u -> !u.isBlank());
        password = password == null ? Optional.empty() : password;
        timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
        sslContext = sslContext == null ? Optional.empty() : sslContext;
        if (host.isBlank()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "SMTP host is blank; set bma.smtp.host");
        }
        if (port < 1 || port > 65535) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "SMTP port " + port + " is not a TCP port");
        }
        if (username.isPresent() && password.isEmpty()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "SMTP user " + username.get()
                    + " has no password; give it through the settings.xml server or the environment");
        }
        if (security == Security.NONE && !allowPlaintext && !isLoopback(host)) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "SMTP to " + host
                    + " without TLS would send passwords in clear; use STARTTLS or TLS, or opt in explicitly"
                    + " (bma.smtp.allowPlaintext)");
        }
    }

    /** STARTTLS with authentication, the usual submission set-up. */
    public static SmtpSettings startTls(String host, int port, String username, Secret password) {
        return new SmtpSettings(host, port, Security.STARTTLS, Optional.of(username), Optional.of(password), null,
                Optional.empty(), false);
    }

    /** An unauthenticated plain connection to a loopback server, for tests and local sinks. */
    public static SmtpSettings loopback(int port) {
        return new SmtpSettings("127.0.0.1", port, Security.NONE, Optional.empty(), Optional.empty(), null,
                Optional.empty(), false);
    }

    /**
     * The SMTP settings the {@code bma.smtp.*} keys describe: {@code bma.smtp.host} (required),
     * {@code bma.smtp.port} (587 for STARTTLS, 465 for TLS, 25 for none), {@code bma.smtp.security}
     * (default {@code starttls}) and {@code bma.smtp.allowPlaintext}; the login comes from a
     * {@link be.cfwb.bma.config.SecretResolver}, never from properties.
     */
    public static SmtpSettings from(BmaSettingsReader p, Optional<Login> login) {
        String host = p.string(BmaProperties.SMTP_HOST).orElseThrow(() -> new BmaException(
                BmaErrorCode.INVALID_CONFIGURATION, "No SMTP server: set " + BmaProperties.SMTP_HOST + " (or use bma.dryRun)"));
        Security security = p.choice(BmaProperties.SMTP_SECURITY, Security.STARTTLS);
        int port = p.parsed(BmaProperties.SMTP_PORT, v -> {
            try {
                int n = Integer.parseInt(v);
                if (n >= 1 && n <= 65535) {
                    return n;
                }
            } catch (NumberFormatException e) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.SMTP_PORT + " '" + v
                        + "' is not a number");
            }
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.SMTP_PORT + " '" + v
                    + "' is not a TCP port (1 to 65535)");
        }).orElse(switch (security) {
            case STARTTLS -> 587;
            case TLS -> 465;
            case NONE -> 25;
        });
        // Strict: a misspelt opt-in ("yes", "oui") must not silently mean false, nor a typo true.
        boolean allowPlaintext = p.bool(BmaProperties.SMTP_ALLOW_PLAINTEXT).orElse(false);
        return new SmtpSettings(host, port, security, login.map(Login::user), login.map(Login::password), null,
                Optional.empty(), allowPlaintext);
    }

    public SmtpSettings withSslContext(SSLContext context) {
        return new SmtpSettings(host, port, security, username, password, timeout, Optional.of(context), allowPlaintext);
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "SMTP " + host + ":" + port + " (" + security + username.map(u -> ", as " + u).orElse("") + ")";
    }
}
