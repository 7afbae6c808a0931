package be.cfwb.bma.credentials;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** Caches one token and renews it {@code margin} before expiry, or at once when a server refused it. */
final class RefreshingTokenSupplier implements TokenSupplier {

    private final TokenSupplier issuer;
    private final Duration margin;
    private final Clock clock;
    private AccessToken current;

    RefreshingTokenSupplier(TokenSupplier issuer, Duration margin, Clock clock) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.margin = Objects.requireNonNull(margin, "margin");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (margin.isNegative()) {
            throw new IllegalArgumentException("The refresh margin must not be negative: " + margin);
        }
    }

    @Override
    public synchronized AccessToken token() {
        if (current == null || !clock.instant().plus(margin).isBefore(current.expiresAt())) {
            current = Objects.requireNonNull(issuer.token(), "the token issuer returned null");
        }
        return current;
    }

    /**
     * Forgets {@code refused} if it is the cached token (another thread may have renewed it
     * already: that newer token is kept) and tells the issuer, which may cache too.
     */
    @Override
    public void invalidate(AccessToken refused) {
        synchronized (this) {
            if (refused != null && refused.equals(current)) {
                current = null;
            }
        }
        issuer.invalidate(refused);
    }

    @Override
    public String toString() {
        return "RefreshingTokenSupplier[margin=" + margin + "]";
    }
}
