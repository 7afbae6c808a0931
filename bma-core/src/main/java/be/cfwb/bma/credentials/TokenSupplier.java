package be.cfwb.bma.credentials;

import java.time.Clock;
import java.time.Duration;

/**
 * Gives a currently valid OAuth2 access token, e.g. an app-only token for
 * {@code https://outlook.office365.com/.default}. Called at every (re)connection, so an
 * implementation that caches must hand out a fresh token before the cached one expires;
 * {@link #refreshing} does that for any token source. A server may still refuse a token its
 * supplier believes valid (clock skew, a revoked grant): the caller then reports it through
 * {@link #invalidate} and asks once more. Implementations are thread-safe.
 */
@FunctionalInterface
public interface TokenSupplier {

    /**
     * A token valid for a while yet.
     *
     * @throws be.cfwb.bma.BmaException with {@code CONNECTION_FAILED} if none can be obtained
     */
    AccessToken token();

    /**
     * Says that a server refused {@code refused} before its stated expiry: a caching supplier
     * forgets it, so that the next {@link #token()} obtains a new one. The default does nothing,
     * right for a supplier that issues a new token at every call.
     */
    default void invalidate(AccessToken refused) {
    }

    /**
     * Caches the tokens of {@code issuer} and asks it again once less than {@code margin}
     * remains (app-only tokens have no refresh token: a new one is simply requested).
     */
    static TokenSupplier refreshing(TokenSupplier issuer, Duration margin, Clock clock) {
        return new RefreshingTokenSupplier(issuer, margin, clock);
    }
}
