package be.cfwb.bma.credentials;

import java.time.Instant;
import java.util.Objects;

/**
 * An OAuth2 bearer token and the instant it stops being accepted.
 *
 * @param token     the bearer token, masked
 * @param expiresAt when the issuer says it expires
 */
public record AccessToken(Secret token, Instant expiresAt) {

    public AccessToken {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
