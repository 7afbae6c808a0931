package be.cfwb.bma.address;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;

/**
 * An administrative mailbox address: kind prefix, FASE number on six digits, and the
 * {@value #DOMAIN} domain, e.g. {@code ec001394@adm.cfwb.be}. Its identity is the pair
 * (kind, number); {@link #toString()} gives the canonical address.
 *
 * @param kind   establishment or organising body
 * @param number the FASE number
 */
public record BmaAddress(BmaKind kind, FaseNumber number) implements Comparable<BmaAddress> {

    /** The domain of every BMA. */
    public static final String DOMAIN = "adm.cfwb.be";

    private static final int LOCAL_DIGITS = 6;

    private static final Comparator<BmaAddress> ORDER =
            Comparator.comparing(BmaAddress::kind).thenComparing(BmaAddress::number);

    public BmaAddress {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(number, "number");
    }

    public static BmaAddress of(BmaKind kind, int fase) {
        return new BmaAddress(kind, FaseNumber.of(fase));
    }

    /**
     * Parses a full address, ignoring case and surrounding spaces.
     *
     * @throws BmaException with {@link BmaErrorCode#INVALID_ADDRESS} naming the input and
     *                      what is wrong with it
     */
    public static BmaAddress parse(String input) {
        if (input == null || input.isBlank()) {
            throw invalid(input, "it is empty");
        }
        String text = input.strip().toLowerCase(Locale.ROOT);
        int at = text.indexOf('@');
        if (at < 0) {
            throw invalid(input, "it has no '@" + DOMAIN + "' domain");
        }
        String domain = text.substring(at + 1);
        if (!domain.equals(DOMAIN)) {
            throw invalid(input, "the domain is '" + domain + "', not '" + DOMAIN + "'");
        }
        return parseLocalPart(input, text.substring(0, at));
    }

    /**
     * Parses a full address or its short form without domain ({@code ec001394}), as ops type
     * them in {@code bma.mailboxes}.
     */
    public static BmaAddress parseLenient(String input) {
        if (input != null && input.indexOf('@') < 0 && !input.isBlank()) {
            return parseLocalPart(input, input.strip().toLowerCase(Locale.ROOT));
        }
        return parse(input);
    }

    private static BmaAddress parseLocalPart(String input, String local) {
        if (local.length() < 2) {
            throw invalid(input, "the part before '@' must start with 'ec' or 'po'");
        }
        String prefix = local.substring(0, 2);
        BmaKind kind = BmaKind.fromPrefix(prefix).orElseThrow(() -> invalid(input,
                "the prefix '" + prefix + "' is unknown; it must be 'ec' (establishment) or 'po' (organising body)"));
        String digits = local.substring(2);
        if (digits.isEmpty()) {
            throw invalid(input, "the FASE number is missing after '" + prefix + "'");
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid(input, "the FASE part '" + digits + "' has a non-digit character '" + c + "'");
            }
        }
        if (digits.length() > LOCAL_DIGITS && digits.replaceFirst("^0+", "").length() > LOCAL_DIGITS) {
            throw invalid(input, "the FASE part '" + digits + "' has more than " + LOCAL_DIGITS + " digits");
        }
        if (digits.length() != LOCAL_DIGITS) {
            throw invalid(input, "the FASE part '" + digits + "' has " + digits.length()
                    + " digits; it must be zero-padded to exactly " + LOCAL_DIGITS);
        }
        int value = Integer.parseInt(digits);
        if (value == 0) {
            throw invalid(input, "the FASE number is zero; FASE numbers start at 1");
        }
        return new BmaAddress(kind, FaseNumber.of(value));
    }

    private static BmaException invalid(String input, String why) {
        return new BmaException(BmaErrorCode.INVALID_ADDRESS,
                "Invalid BMA address '" + input + "': " + why);
    }

    /** The part before the '@', e.g. {@code ec001394}. */
    public String localPart() {
        return kind.prefix() + number.padded();
    }

    @Override
    public int compareTo(BmaAddress other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return localPart() + "@" + DOMAIN;
    }
}
