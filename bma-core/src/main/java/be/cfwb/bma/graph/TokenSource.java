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
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * App-only access tokens. MSAL keeps them in memory and asks Entra ID again shortly before
 * they expire (client credentials give no refresh token), so a long run never sends an
 * expired token. Graph may still refuse a token before its expiry (revoked, keys rolled over):
 * {@link #renew} then obtains another one, bypassing every cache.
 */
interface TokenSource {

    /** A valid token for {@code scope}, e.g. {@code https://graph.microsoft.com/.default}. */
    String token(String scope);

    /**
     * As {@link #token}, with its expiry, for callers that reconnect before it (IMAP and SMTP
     * sessions). The default, for a fixed token, says it never expires.
     */
    default AccessToken accessToken(String scope) {
        return new AccessToken(Secret.of(token(scope)), Instant.MAX);
    }

    /**
     * The tokens of this source for {@code scope} as a {@link TokenSupplier}: a token a server
     * refused makes the next one be obtained afresh, skipping every cache.
     */
    default TokenSupplier supplier(String scope) {
        TokenSource source = this;
        return new TokenSupplier() {
            private volatile boolean renew;

            @Override
            public AccessToken token() {
                if (renew) {
                    renew = false;
                    return source.renewAccessToken(scope);
                }
                return source.accessToken(scope);
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

    /**
     * A token obtained afresh for {@code scope} because Graph refused {@code refused} (a cached
     * token is not handed out again); {@code refused} itself when there is no other to be had
     * (a fixed token). The default, for a fixed token, has none.
     */
    default String renew(String scope, String refused) {
        return token(scope);
    }

    /** As {@link #renew}, with the new token's expiry. */
    default AccessToken renewAccessToken(String scope) {
        return accessToken(scope);
    }

    static TokenSource of(GraphSettings settings) {
        GraphCredentials c = settings.credentials();
        if (c.kind() == GraphCredentials.Kind.STATIC_TOKEN) {
            String token = c.secret();
            return scope -> token;
        }
        if (c.kind() == GraphCredentials.Kind.TOKEN_SUPPLIER) {
            return new Supplied(c.tokenSupplier().orElseThrow());
        }
        return new Msal(settings);
    }

    /** Tokens of a {@link TokenSupplier}, told when Graph refused one. */
    final class Supplied implements TokenSource {
        private final TokenSupplier supplier;
        /** The last token handed out: the supplier is told of its refusal by the value it issued. */
        private volatile AccessToken last;

        Supplied(TokenSupplier supplier) {
            this.supplier = supplier;
        }

        @Override
        public String token(String scope) {
            return accessToken(scope).token().reveal();
        }

        @Override
        public AccessToken accessToken(String scope) {
            AccessToken t = Objects.requireNonNull(supplier.token(), "the token supplier returned null");
            last = t;
            return t;
        }

        /** The caller's own supplier: it hears of refusals and renews by itself. */
        @Override
        public TokenSupplier supplier(String scope) {
            return supplier;
        }

        @Override
        public String renew(String scope, String refused) {
            AccessToken l = last;
            supplier.invalidate(l != null && l.token().reveal().equals(refused) ? l
                    : new AccessToken(Secret.of(refused), Instant.EPOCH));
            return token(scope);
        }
    }

    /** Client secret or certificate through MSAL for Java. */
    final class Msal implements TokenSource {
        private final ConfidentialClientApplication app;
        private final GraphCredentials credentials;
        private final String authority;
        private final java.time.Clock clock;
        /**
         * The last token per scope, handed out until five minutes before its expiry. MSAL caches
         * too, but its cache misses for an authority with a port (the stand-in's): without this,
         * every Graph request would ask for a token there.
         */
        private final java.util.Map<String, AccessToken> cache = new java.util.concurrent.ConcurrentHashMap<>();

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
            String host = java.net.URI.create(authority).getHost();
            return "127.0.0.1".equals(host) || "localhost".equals(host) || "[::1]".equals(host);
        }

        @Override
        public String token(String scope) {
            return acquire(scope, false).token().reveal();
        }

        /** MSAL renews its cached token shortly before expiry (client credentials have no refresh token). */
        @Override
        public AccessToken accessToken(String scope) {
            return acquire(scope, false);
        }

        /** MSAL's cache still holds the refused token until its expiry: ask Entra ID, skipping it. */
        @Override
        public String renew(String scope, String refused) {
            return acquire(scope, true).token().reveal();
        }

        @Override
        public AccessToken renewAccessToken(String scope) {
            return acquire(scope, true);
        }

        private AccessToken acquire(String scope, boolean skipCache) {
            AccessToken cached = cache.get(scope);
            if (!skipCache && cached != null
                    && clock.instant().plus(java.time.Duration.ofMinutes(5)).isBefore(cached.expiresAt())) {
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
