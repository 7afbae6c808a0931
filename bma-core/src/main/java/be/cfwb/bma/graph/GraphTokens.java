package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.credentials.AccessToken;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.credentials.TokenSupplier;
import be.cfwb.bma.transfer.imap.TrustedCertificates;
import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.IClientCredential;
import com.microsoft.aad.msal4j.MsalException;
import com.microsoft.aad.msal4j.MsalServiceException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The app's tokens, as one {@link TokenSupplier} per scope: the toolkit's one token abstraction.
 * Through MSAL (client secret or certificate), MSAL keeps them in memory and asks Entra ID again
 * shortly before they expire (client credentials give no refresh token), so a long run never
 * sends an expired token. Graph may still refuse a token before its expiry (revoked, keys rolled
 * over): {@link TokenSupplier#invalidate} then makes the next token be obtained afresh, bypassing
 * every cache. A fixed token has no other; a caller's own supplier hears of refusals itself.
 */
abstract class GraphTokens {

    /** The tokens for {@code scope}, e.g. {@code https://graph.microsoft.com/.default}. */
    abstract TokenSupplier forScope(String scope);

    static GraphTokens of(GraphSettings settings) {
        GraphCredentials c = settings.credentials();
        if (c.kind() == GraphCredentials.Kind.STATIC_TOKEN) {
            AccessToken token = new AccessToken(Secret.of(c.secret()), Instant.MAX);
            return new GraphTokens() {
                @Override
                TokenSupplier forScope(String scope) {
                    return () -> token;
                }
            };
        }
        if (c.kind() == GraphCredentials.Kind.TOKEN_SUPPLIER) {
            TokenSupplier supplier = c.tokenSupplier().orElseThrow();
            return new GraphTokens() {
                @Override
                TokenSupplier forScope(String scope) {
                    return supplier;
                }
            };
        }
        return new Msal(settings);
    }

    /** Client secret or certificate through MSAL for Java. */
    static final class Msal extends GraphTokens {
        private final ConfidentialClientApplication app;
        private final GraphCredentials credentials;
        private final String authority;
        private final Clock clock;
        /**
         * The last token per scope, handed out until five minutes before its expiry. MSAL caches
         * too, but its cache misses for an authority with a port (the stand-in's): without this,
         * every Graph request would ask for a token there.
         */
        private final Map<String, AccessToken> cache = new ConcurrentHashMap<>();

        Msal(GraphSettings settings) {
            this.credentials = settings.credentials();
            this.authority = settings.authority();
            this.clock = settings.clock();
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
                ConfidentialClientApplication.Builder builder = ConfidentialClientApplication
                        .builder(credentials.clientId().orElseThrow(), credential)
                        .authority(settings.authority() + credentials.tenantId().orElseThrow() + "/");
                if (isLoopback(settings.authority())) {
                    // A stand-in on loopback: MSAL would ask login.microsoftonline.com about a host it cannot know.
                    builder.instanceDiscovery(false);
                }
                settings.trustCertificate().ifPresent(pem -> builder.sslSocketFactory(
                        TrustedCertificates.socketFactory(pem, GraphSettings.TRUST_CERTIFICATE)));
                this.app = builder.build();
            } catch (BmaException e) {
                throw e;
            } catch (Exception e) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Invalid Entra ID authority "
                        + settings.authority() + " for tenant " + credentials.tenantId().orElseThrow());
            }
        }

        private static boolean isLoopback(String authority) {
            String host = URI.create(authority).getHost();
            return "127.0.0.1".equals(host) || "localhost".equals(host) || "[::1]".equals(host);
        }

        /** A token a server refused makes MSAL's cache be skipped once: it still holds the refused one. */
        @Override
        TokenSupplier forScope(String scope) {
            return new TokenSupplier() {
                private volatile boolean renew;

                @Override
                public AccessToken token() {
                    boolean skipCache = renew;
                    renew = false;
                    return acquire(scope, skipCache);
                }

                @Override
                public void invalidate(AccessToken refused) {
                    renew = true;
                }

                @Override
                public String toString() {
                    return "app-only tokens for " + scope;
                }
            };
        }

        private AccessToken acquire(String scope, boolean skipCache) {
            AccessToken cached = cache.get(scope);
            if (!skipCache && cached != null
                    && clock.instant().plus(Duration.ofMinutes(5)).isBefore(cached.expiresAt())) {
                return cached;
            }
            AccessToken fresh = request(scope, skipCache);
            cache.put(scope, fresh);
            return fresh;
        }

        private AccessToken request(String scope, boolean skipCache) {
            try {
                IAuthenticationResult result = app.acquireToken(ClientCredentialParameters.builder(Set.of(scope))
                        .skipCache(skipCache).build()).get(60, TimeUnit.SECONDS);
                return new AccessToken(Secret.of(result.accessToken()), result.expiresOnDate().toInstant());
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
