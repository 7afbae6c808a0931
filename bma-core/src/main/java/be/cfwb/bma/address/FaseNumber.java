package be.cfwb.bma.address;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.util.Locale;

/**
 * A FASE number, the identifier the FW-B register gives to each establishment and each
 * organising body. Positive, at most six digits (today they run up to five).
 *
 * @param value the number, from 1 to 999,999
 */
public record FaseNumber(int value) implements Comparable<FaseNumber> {

    /** The largest number the six-digit address field can carry. */
    public static final int MAX = 999_999;

    public FaseNumber {
        if (value < 1 || value > MAX) {
            throw new BmaException(BmaErrorCode.INVALID_ADDRESS,
                    "FASE number " + value + " is out of range: it must be between 1 and " + MAX);
        }
    }

    public static FaseNumber of(int value) {
        return new FaseNumber(value);
    }

    /**
     * Parses a FASE number written in decimal, with or without leading zeros
     * ({@code "1394"}, {@code "001394"}).
     */
    public static FaseNumber parse(String text) {
        if (text == null || text.isBlank()) {
            throw new BmaException(BmaErrorCode.INVALID_ADDRESS, "FASE number is empty");
        }
        String digits = text.strip();
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw new BmaException(BmaErrorCode.INVALID_ADDRESS,
                        "FASE number '" + text + "' has a non-digit character '" + c + "'");
            }
        }
        String significant = digits.replaceFirst("^0+", "");
        if (significant.isEmpty()) {
            throw new BmaException(BmaErrorCode.INVALID_ADDRESS,
                    "FASE number '" + text + "' is zero; FASE numbers start at 1");
        }
        if (significant.length() > 6) {
            throw new BmaException(BmaErrorCode.INVALID_ADDRESS,
                    "FASE number '" + text + "' has more than 6 digits");
        }
        return new FaseNumber(Integer.parseInt(significant));
    }

    /** The number zero-padded to the six digits of the address, e.g. {@code 001394}. */
    public String padded() {
        // ROOT: in some default locales (ar, fa, th) %d writes non-ASCII digits, a wrong address.
        return String.format(Locale.ROOT, "%06d", value);
    }

    @Override
    public int compareTo(FaseNumber other) {
        return Integer.compare(value, other.value);
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
