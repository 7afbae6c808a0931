package be.cfwb.bma.credentials;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A password, token or client secret. Its {@link #toString()} is always {@value #MASK}, so a
 * secret that slips into a log line, a report or an exception message shows nothing; the
 * value is only given out by {@link #reveal()}, which callers use at the last moment (the
 * authentication call). Two secrets are equal when their values are, compared in constant
 * time.
 */
public final class Secret {

    /** What every secret prints as. */
    public static final String MASK = "******";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a value.
     *
     * @throws IllegalArgumentException if it is empty (the message never holds the value)
     */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "secret");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("A secret must not be empty");
        }
        return new Secret(value);
    }

    /** The value itself; pass it straight to the authentication call, never to a log. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                other.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0; // a hash would leak information about the value; secrets are rarely hashed
    }

    @Override
    public String toString() {
        return MASK;
    }
}
