package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.transfer.TransferException;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An IMAP server: {@code imaps://host[:993]} (TLS from the start) or {@code imap://host[:143]}
 * (STARTTLS required), certificates and host names checked. Plaintext is accepted without
 * opt-in only to a loopback address; elsewhere only through {@link #allowingPlaintext()},
 * which is logged.
 *
 * @param host       the server name or address
 * @param port       the TCP port
 * @param tls        true for {@code imaps} (implicit TLS)
 * @param plaintext  true if an {@code imap://} connection may stay unencrypted
 * @param timeout    connect and read timeout
 * @param trustedCertificate a PEM file of the certificates to trust instead of the JVM's trust
 *                   store ({@link #trusting}); empty for the JVM's (the default)
 * @param plaintextOffLoopback true only through {@link #allowingPlaintext()}: without it, a
 *                   plaintext connection to an address that is not loopback is refused before
 *                   connecting ({@link #refusePlaintextOffLoopback()}), whatever {@code plaintext} says
 */
public record ImapEndpoint(String host, int port, boolean tls, boolean plaintext, Duration timeout,
                           Optional<Path> trustedCertificate, boolean plaintextOffLoopback) {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    public ImapEndpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("An IMAP endpoint needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Port out of range: " + port);
        }
        Objects.requireNonNull(timeout, "timeout");
        trustedCertificate = trustedCertificate == null ? Optional.empty() : trustedCertificate;
        if (tls && plaintext) {
            throw new IllegalArgumentException("imaps is never plaintext");
        }
        if (plaintextOffLoopback && !plaintext) {
            throw new IllegalArgumentException("plaintextOffLoopback needs plaintext");
        }
    }

    /** An endpoint whose plaintext, if any, goes to loopback only. */
    public ImapEndpoint(String host, int port, boolean tls, boolean plaintext, Duration timeout,
                        Optional<Path> trustedCertificate) {
        this(host, port, tls, plaintext, timeout, trustedCertificate, false);
    }

    /** An endpoint validated against the JVM's trust store. */
    public ImapEndpoint(String host, int port, boolean tls, boolean plaintext, Duration timeout) {
        this(host, port, tls, plaintext, timeout, Optional.empty());
    }

    /**
     * This endpoint trusting exactly the certificates in a PEM file (a self-signed or private-CA
     * server), instead of the JVM's trust store; the host name is still checked against the
     * certificate. The file is read and checked now.
     *
     * @param property the setting's name for error messages
     * @throws BmaException {@link BmaErrorCode#INVALID_CONFIGURATION} if the file holds no certificate
     */
    public ImapEndpoint trusting(Path pemCertificate, String property) {
        TrustedCertificates.load(pemCertificate, property);
        return new ImapEndpoint(host, port, tls, plaintext, timeout, Optional.of(pemCertificate), plaintextOffLoopback);
    }

    /**
     * Parses {@code imap://host:port} or {@code imaps://host:port}; {@code property} names the
     * setting in error messages.
     *
     * @throws BmaException {@link BmaErrorCode#INVALID_CONFIGURATION} naming the input and the problem
     */
    public static ImapEndpoint parse(String url, String property) {
        if (url == null || url.isBlank()) {
            throw invalid(property, url, "it is empty");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw invalid(property, url, "it is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("imap") && !scheme.equals("imaps")) {
            throw invalid(property, url, "the scheme must be imap:// or imaps://");
        }
        if (uri.getHost() == null) {
            throw invalid(property, url, "it has no host");
        }
        if (uri.getUserInfo() != null) {
            throw invalid(property, url, "it must not hold a user or password; use the settings.xml server or a credentials file");
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
            throw invalid(property, url, "it must not have a path");
        }
        boolean tls = scheme.equals("imaps");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 993 : 143;
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new ImapEndpoint(host, port, tls, !tls && isLoopback(host), DEFAULT_TIMEOUT, Optional.empty());
    }

    private static BmaException invalid(String property, String url, String why) {
        return new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                (property == null ? "IMAP URL" : property) + " '" + masked(url) + "' is invalid: " + why);
    }

    /** The URL with any user information hidden: it may hold a password. */
    private static String masked(String url) {
        return url == null ? null : url.replaceAll("//[^/]*@", "//***@");
    }

    /** Plaintext allowed even off loopback: an explicit opt-in, for closed networks only. */
    public ImapEndpoint allowingPlaintext() {
        if (tls) {
            throw new IllegalStateException("imaps is never plaintext");
        }
        return new ImapEndpoint(host, port, false, true, timeout, trustedCertificate, true);
    }

    /**
     * Refuses, before any connection is made, plaintext to a host that is not a loopback
     * address (its name resolved now: {@code localhost} pointed elsewhere, or an endpoint built
     * with {@code plaintext} set by hand), unless {@link #allowingPlaintext()} opted in. A host
     * that does not resolve is left to the connection to report.
     *
     * @throws TransferException not retried, naming the endpoint and the address
     */
    public void refusePlaintextOffLoopback() {
        if (tls || !plaintext || plaintextOffLoopback) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return;
        }
        for (InetAddress a : addresses) {
            if (!a.isLoopbackAddress()) {
                throw TransferException.permanent("Plaintext IMAP to " + this + " (" + a.getHostAddress() + ") is refused"
                        + " before connecting: it is not a loopback address and passwords would cross the network"
                        + " unencrypted; use imaps:// or imap:// (STARTTLS)", null);
            }
        }
    }

    public ImapEndpoint withTimeout(Duration timeout) {
        return new ImapEndpoint(host, port, tls, plaintext, timeout, trustedCertificate, plaintextOffLoopback);
    }

    /** True for 127.0.0.0/8, ::1 and {@code localhost}; no name lookup beyond that. */
    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+") && !host.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return (tls ? "imaps://" : "imap://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
