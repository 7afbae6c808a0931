package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IClientCredential;
import com.microsoft.aad.msal4j.MsalException;
import com.microsoft.aad.msal4j.MsalServiceException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * App-only access tokens. MSAL keeps them in memory and asks Entra ID again shortly before
 * they expire (client credentials give no refresh token), so a long run never sends an
 * expired token.
 */
interface TokenSource {

    /** A valid token for {@code scope}, e.g. {@code https://graph.microsoft.com/.default}. */
    String token(String scope);

    static TokenSource of(GraphSettings settings) {
        GraphCredentials c = settings.credentials();
        if (c.kind() == GraphCredentials.Kind.STATIC_TOKEN) {
            String token = c.secret();
            return scope -> token;
        }
        return new Msal(settings);
    }

    /** Client secret or certificate through MSAL for Java. */
    final class Msal implements TokenSource {
        private final ConfidentialClientApplication app;
        private final GraphCredentials credentials;
        private final String authority;

        Msal(GraphSettings settings) {
            this.credentials = settings.credentials();
            this.authority = settings.authority();
            IClientCredential credential;
            if (credentials.kind() == GraphCredentials.Kind.CLIENT_SECRET) {
                credential = ClientCredentialFactory.createFromSecret(credentials.secret());
            } else {
                try (InputStream in = Files.newInputStream(credentials.certificateFile().orElseThrow())) {
                    credential = ClientCredentialFactory.createFromCertificate(in, credentials.secret());
                } catch (IOException | GeneralSecurityException e) {
                    throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Cannot read the Graph certificate "
                            + credentials.certificateFile().orElseThrow()
                            + ": expected a PKCS#12 file holding the private key, and its password ("
                            + e.getClass().getSimpleName() + ")");
                }
            }
            try {
                this.app = ConfidentialClientApplication.builder(credentials.clientId().orElseThrow(), credential)
                        .authority(settings.authority() + credentials.tenantId().orElseThrow() + "/")
                        .build();
            } catch (Exception e) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Invalid Entra ID authority "
                        + settings.authority() + " for tenant " + credentials.tenantId().orElseThrow());
            }
        }

        @Override
        public String token(String scope) {
            try {
                return app.acquireToken(ClientCredentialParameters.builder(Set.of(scope)).build())
                        .get(60, TimeUnit.SECONDS).accessToken();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BmaException(BmaErrorCode.CONNECTION_FAILED, "Interrupted while obtaining a Graph token");
            } catch (TimeoutException e) {
                throw new BmaException(BmaErrorCode.CONNECTION_FAILED, "Entra ID did not answer within 60 s for "
                        + credentials);
            } catch (ExecutionException e) {
                throw refused(e.getCause());
            }
        }

        private BmaException refused(Throwable cause) {
            // Only the error code goes into the message: MSAL's own text may quote request parameters.
            if (cause instanceof MsalServiceException s) {
                // Entra ID answered: the app's credentials or consent are wrong, trying again will not help.
                return new BmaException(BmaErrorCode.CREDENTIAL_FAILED, "Entra ID refused a token to " + credentials
                        + ": " + s.errorCode() + " (HTTP " + s.statusCode() + "). Check the tenant id, the client id,"
                        + " that the secret or certificate is current, and that admin consent was granted to the"
                        + " application permissions");
            }
            String code = cause instanceof MsalException m ? m.errorCode() : null;
            Throwable root = cause;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return new BmaException(BmaErrorCode.CONNECTION_FAILED, "No token from Entra ID for " + credentials + ": "
                    + (code != null ? code : root.getClass().getSimpleName()) + " (unreachable? check the network"
                    + " and any proxy to the authority " + authority + ")");
        }
    }
}
