package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

/**
 * The explicit trust of {@link ImapEndpoint#trusting} (and of the Entra ID authority,
 * {@code bma.graph.trustCertificate}): a socket factory that accepts exactly the certificates of
 * one PEM file (full validation against them; no "trust all").
 */
public final class TrustedCertificates {

    private TrustedCertificates() {
    }

    /** Reads the certificates; a clear configuration error if there are none. */
    static Collection<? extends Certificate> load(Path pem, String property) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw invalid(pem, property, "it holds no certificate", null);
            }
            return certs;
        } catch (IOException e) {
            throw invalid(pem, property, "it cannot be read (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw invalid(pem, property, "it is not a PEM certificate (" + e.getMessage() + ")", e);
        }
    }

    static SSLSocketFactory socketFactory(Path pem) {
        return socketFactory(pem, null);
    }

    /**
     * A socket factory trusting exactly the certificates of {@code pem}.
     *
     * @param property the key that named the file, for messages
     * @throws BmaException {@code INVALID_CONFIGURATION} naming the key if the file holds no certificate
     */
    public static SSLSocketFactory socketFactory(Path pem, String property) {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : load(pem, property)) {
                ks.setCertificateEntry("trusted-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Cannot build a trust store from " + pem + ": "
                    + e.getMessage(), e);
        }
    }

    private static BmaException invalid(Path pem, String property, String why, Exception cause) {
        return new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                (property == null ? "Trusted certificate" : property) + " '" + pem + "' is invalid: " + why, cause);
    }
}
