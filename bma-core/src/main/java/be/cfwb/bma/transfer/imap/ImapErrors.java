package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.transfer.TransferException;

import jakarta.mail.FolderClosedException;
import jakarta.mail.MessagingException;
import jakarta.mail.StoreClosedException;
import org.eclipse.angus.mail.iap.BadCommandException;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.ConnectionException;
import org.eclipse.angus.mail.iap.ProtocolException;

import java.io.IOException;
import java.net.SocketException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Classifies Angus failures into {@link TransferException}s: retryable, throttled, or permanent. */
final class ImapErrors {

    private static final Pattern THROTTLE = Pattern.compile("Suggested Backoff Time:\\s*(\\d+)\\s*milli", Pattern.CASE_INSENSITIVE);

    private ImapErrors() {
    }

    /** The server's words, without the exception class. */
    static String text(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.strip();
    }

    /** The backoff an Exchange throttling reply suggests, anywhere in the cause chain. */
    static Optional<Duration> throttle(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                Matcher m = THROTTLE.matcher(t.getMessage());
                if (m.find()) {
                    return Optional.of(Duration.ofMillis(Long.parseLong(m.group(1))));
                }
                if (t.getMessage().toUpperCase(Locale.ROOT).contains("[THROTTLED]")) {
                    return Optional.of(Duration.ofSeconds(30));
                }
            }
        }
        return Optional.empty();
    }

    /** A failure of a command other than APPEND: throttling and connection trouble retry, the rest is permanent. */
    static TransferException translate(String what, Exception e) {
        Optional<Duration> backoff = throttle(e);
        String message = what + ": " + text(e);
        if (isUntrustedCertificate(e)) {
            // retrying cannot help: a server whose certificate fails validation is refused at once
            return TransferException.permanent(what + ": the server's TLS certificate is not trusted or does not match "
                    + "its name (" + text(e) + "); if this server is yours, trust its certificate explicitly with "
                    + "bma.source.trustCertificate / bma.target.trustCertificate (a PEM file)", e);
        }
        if (backoff.isPresent()) {
            return TransferException.throttled(message, backoff.get(), e);
        }
        return isConnectionTrouble(e) ? TransferException.retryable(message, e) : TransferException.permanent(message, e);
    }

    static boolean isUntrustedCertificate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() != null ? t.getCause()
                : t instanceof MessagingException me && me.getNextException() != t ? me.getNextException() : null) {
            if (t instanceof javax.net.ssl.SSLHandshakeException || t instanceof javax.net.ssl.SSLPeerUnverifiedException
                    || t instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }

    static boolean isConnectionTrouble(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectionException || t instanceof IOException || t instanceof FolderClosedException
                    || t instanceof StoreClosedException || t instanceof SocketException) {
                return true;
            }
            if (t instanceof CommandFailedException || t instanceof BadCommandException) {
                return false;
            }
            if (isBareConnectionFailure(t)) {
                return true;
            }
            if (t instanceof MessagingException me && me.getNextException() != null && me.getNextException() != t.getCause()
                    && isConnectionTrouble(me.getNextException())) {
                return true;
            }
        }
        return e instanceof ProtocolException && !(e instanceof CommandFailedException) && !(e instanceof BadCommandException);
    }

    /**
     * True for a login the server turned away for a reason other than the credentials: too many
     * connections for the mailbox (Dovecot's {@code [LIMIT]}, Exchange's limit per mailbox), or
     * the service busy for now (RFC 5530 {@code [UNAVAILABLE]}, {@code [INUSE]}). Counted as a
     * wrong password, it would stop a shared admin login for the whole run.
     */
    static boolean isBusyLogin(Throwable e) {
        String upper = text(e).toUpperCase(Locale.ROOT);
        return upper.contains("[LIMIT]") || upper.contains("[UNAVAILABLE]") || upper.contains("[INUSE]")
                || upper.contains("MAXIMUM NUMBER OF CONNECTIONS") || upper.contains("TOO MANY CONNECTIONS")
                || upper.contains("TOO MANY SIMULTANEOUS");
    }

    /**
     * Angus' IMAPStore says "connection failure", without a cause, when it could not open a new
     * protocol connection for a folder (the server dropped or refused it): trouble of the line, not
     * of the command, so worth a reconnect.
     */
    private static boolean isBareConnectionFailure(Throwable t) {
        return t.getClass() == MessagingException.class && t.getCause() == null
                && "connection failure".equalsIgnoreCase(String.valueOf(t.getMessage()).trim());
    }

    /**
     * The verdict on a refused APPEND: a reason to report for good (too big, over quota,
     * malformed), or a retryable failure (throttling, dropped connection, server busy).
     */
    static Optional<String> appendRejection(ProtocolException e) {
        String text = text(e);
        String upper = text.toUpperCase(Locale.ROOT);
        if (throttle(e).isPresent() || e instanceof ConnectionException) {
            return Optional.empty();
        }
        if (e instanceof CommandFailedException) {
            if (upper.contains("[UNAVAILABLE]") || upper.contains("[INUSE]") || upper.contains("[SERVERBUG]")
                    || upper.contains("TRY AGAIN")) {
                return Optional.empty();
            }
            if (upper.contains("[OVERQUOTA]") || upper.contains("QUOTA")) {
                return Optional.of("over quota on the target (" + text + ")");
            }
            if (upper.contains("[TOOBIG]") || upper.contains("TOO LARGE") || upper.contains("TOO BIG")
                    || upper.contains("SIZE")) {
                return Optional.of("too large for the target (" + text + ")");
            }
            return Optional.of("refused by the target: NO " + text);
        }
        if (e instanceof BadCommandException) {
            return Optional.of("refused by the target as malformed: BAD " + text);
        }
        return Optional.empty();
    }
}
