package be.cfwb.bma.credentials;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret value (a password, a client secret, a token) that never shows itself by accident:
 * {@link #toString()} gives {@value #MASK}, and the value is reached only through
 * {@link #reveal()} or {@link #chars()}, whose call sites are few and easy to audit. Two
 * secrets are equal when their values are, compared in constant time; the hash code is the
 * same for every secret, so it tells nothing about the value.
 *
 * <p>(Merge of the {@code notify} and {@code transfer} branches' versions: notify's API and
 * mask, transfer's refusal of empty values and value equality.)
 */
public final class Secret {

    /** What a secret shows instead of itself, in logs, reports and the dry-run outbox. */
    public static final String MASK = "********";

    private final char[] value;

    private Secret(char[] value) {
        if (value.length == 0) {
            throw new IllegalArgumentException("A secret must not be empty");
        }
        this.value = value;
    }

    /** A secret holding a copy of {@code value}; the caller may clear its array afterwards. */
    public static Secret of(char[] value) {
        Objects.requireNonNull(value, "secret value");
        return new Secret(value.clone());
    }

    /**
     * A secret holding {@code value}.
     *
     * @throws IllegalArgumentException if it is empty (the message never holds the value)
     */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "secret value");
        return new Secret(value.toCharArray());
    }

    /** The value as text, for the one place that must hand it over (a mail body, an API call). */
    public String reveal() {
        return new String(value);
    }

    /** A copy of the value. */
    public char[] chars() {
        return value.clone();
    }

    public int length() {
        return value.length;
    }

    /** True if {@code candidate} is this secret's value; takes the same time wherever they differ. */
    public boolean matches(CharSequence candidate) {
        if (candidate == null) {
            return false;
        }
        int diff = value.length ^ candidate.length();
        for (int i = 0; i < value.length; i++) {
            diff |= value[i] ^ (i < candidate.length() ? candidate.charAt(i) : 0);
        }
        return diff == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && MessageDigest.isEqual(reveal().getBytes(StandardCharsets.UTF_8),
                other.reveal().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return MASK;
    }
}
