package be.cfwb.bma.credentials;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Generates the password mail 2 gives to a school for the new interface. Drawn from
 * {@link SecureRandom}; meets Microsoft Entra ID's complexity rule (8 to 256 characters,
 * at least three of upper case, lower case, digits and symbols: we always use all four);
 * and leaves out characters that look alike on paper or in a mail client
 * ({@code 0 O o 1 l I i j | ` ' "}) or that mail and HTML handle badly ({@code < > & \ space}),
 * because school staff type it by hand from the mail.
 *
 * <p>Immutable and thread-safe.
 */
public final class PasswordGenerator {

    /** Long enough for about 95 bits of entropy with the alphabets below. */
    public static final int DEFAULT_LENGTH = 16;
    /** Entra ID refuses shorter passwords. */
    public static final int MIN_LENGTH = 8;
    /** Entra ID refuses longer passwords. */
    public static final int MAX_LENGTH = 256;

    static final String UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    static final String LOWER = "abcdefghkmnpqrstuvwxyz";
    static final String DIGITS = "23456789";
    static final String SYMBOLS = "!#$%*+-=?@_";
    static final String ALL = UPPER + LOWER + DIGITS + SYMBOLS;

    private final SecureRandom random;
    private final int length;

    private PasswordGenerator(SecureRandom random, int length) {
        this.random = random;
        this.length = length;
    }

    /** A generator of {@value #DEFAULT_LENGTH}-character passwords. */
    public static PasswordGenerator create() {
        return new PasswordGenerator(new SecureRandom(), DEFAULT_LENGTH);
    }

    /**
     * A generator of {@code length}-character passwords drawn from {@code random}.
     *
     * @throws BmaException if {@code length} is outside {@value #MIN_LENGTH}..{@value #MAX_LENGTH}
     */
    public static PasswordGenerator of(SecureRandom random, int length) {
        Objects.requireNonNull(random, "random");
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Password length " + length
                    + " is outside what Microsoft Entra ID accepts (" + MIN_LENGTH + " to " + MAX_LENGTH + ")");
        }
        return new PasswordGenerator(random, length);
    }

    public int length() {
        return length;
    }

    /** A new password with at least one character of each class, in random positions. */
    public Secret generate() {
        char[] chars = new char[length];
        chars[0] = pick(UPPER);
        chars[1] = pick(LOWER);
        chars[2] = pick(DIGITS);
        chars[3] = pick(SYMBOLS);
        for (int i = 4; i < length; i++) {
            chars[i] = pick(ALL);
        }
        // Fisher-Yates, so the guaranteed classes are not always in front.
        for (int i = length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            char t = chars[i];
            chars[i] = chars[j];
            chars[j] = t;
        }
        Secret secret = Secret.of(chars);
        Arrays.fill(chars, '\0');
        return secret;
    }

    private char pick(String alphabet) {
        return alphabet.charAt(random.nextInt(alphabet.length()));
    }

    @Override
    public String toString() {
        return "PasswordGenerator[length=" + length + "]";
    }
}
