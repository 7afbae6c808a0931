package be.cfwb.bma.notify;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.notify.internal.MimeWriter;

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
import java.util.Objects;
import java.util.Properties;

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
 * <p>Not thread-safe: one run uses it from one thread.
 */
public final class SmtpNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpNotifier.class);
    static final int RETRIES = 3;
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(30);

    private final SmtpSettings settings;
    private final Sleeper sleeper;
    private final Session session;
    private Transport transport;

    public SmtpNotifier(SmtpSettings settings, Sleeper sleeper) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.session = Session.getInstance(properties(settings));
        if (settings.security() == SmtpSettings.Security.NONE && !SmtpSettings.isLoopback(settings.host())) {
            LOG.warn("SMTP to {} without TLS, as explicitly allowed", settings.host());
        }
    }

    public SmtpNotifier(SmtpSettings settings) {
        this(settings, Sleeper.system());
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
            connect();
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

    private void connect() {
        if (transport != null && transport.isConnected()) {
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

    private void disconnect() {
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
