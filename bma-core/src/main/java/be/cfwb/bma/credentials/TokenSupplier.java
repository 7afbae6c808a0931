package be.cfwb.bma.credentials;

import java.time.Clock;
import java.time.Duration;

/**
 * Gives a currently valid OAuth2 access token, e.g. an app-only token for
 * {@code https://outlook.office365.com/.default}. Called at every (re)connection, so an
 * implementation that caches must hand out a fresh token before the cached one expires;
 * {@link #refreshing} does that for any token source. Implementations are thread-safe.
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
     * Caches the tokens of {@code issuer} and asks it again once less than {@code margin}
     * remains (app-only tokens have no refresh token: a new one is simply requested).
     */
    static TokenSupplier refreshing(TokenSupplier issuer, Duration margin, Clock clock) {
        return new RefreshingTokenSupplier(issuer, margin, clock);
    }
}
