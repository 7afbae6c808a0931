package be.cfwb.bma;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What keeps an ops mistake from doing something that cannot be undone: whether a day after
 * today may be run ({@value BmaProperties#ALLOW_FUTURE_DATE}), how long a notification mail may
 * take to appear in the old mailbox before it is a problem ({@value BmaProperties#DELIVERY_WAIT_MINUTES}),
 * and whether mail 4 must be found there before the mailbox is cut over
 * ({@value BmaProperties#REQUIRE_MAIL4_DELIVERED}; empty: yes whenever the old server is configured).
 *
 * @param allowFutureDate       let goals that send, reset or copy act for a day after today
 * @param deliveryWait          how long after sending a mail not yet found in the old mailbox is
 *                              still only pending
 * @param requireMail4Delivered whether the cutover waits for mail 4 to be found in the old mailbox;
 *                              empty for the default (on when a source server is configured)
 */
public record Safeguards(boolean allowFutureDate, Duration deliveryWait, Optional<Boolean> requireMail4Delivered) {

    /** Half an hour: an internal relay delivers in seconds; a queue that holds a mail longer needs a look. */
    public static final Duration DEFAULT_DELIVERY_WAIT = Duration.ofMinutes(30);

    public Safeguards {
        Objects.requireNonNull(deliveryWait, "deliveryWait");
        Objects.requireNonNull(requireMail4Delivered, "requireMail4Delivered");
        if (deliveryWait.isNegative()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.DELIVERY_WAIT_MINUTES
                    + " must not be negative");
        }
    }

    /** The defaults: no future day, 30 minutes' wait, mail 4 confirmed whenever the old server is known. */
    public static Safeguards defaults() {
        return new Safeguards(false, DEFAULT_DELIVERY_WAIT, Optional.empty());
    }

    /**
     * These safeguards with the keys of {@code properties} applied; others kept.
     *
     * @throws BmaException naming the key whose value is not understood
     */
    public Safeguards withProperties(Map<String, String> properties) {
        boolean future = bool(properties, BmaProperties.ALLOW_FUTURE_DATE).orElse(allowFutureDate);
        Duration wait = deliveryWait;
        String minutes = properties.get(BmaProperties.DELIVERY_WAIT_MINUTES);
        if (minutes != null && !minutes.isBlank()) {
            try {
                wait = Duration.ofMinutes(Long.parseLong(minutes.strip()));
            } catch (NumberFormatException e) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.DELIVERY_WAIT_MINUTES + " '"
                        + minutes + "' is not a whole number of minutes, e.g. 30");
            }
        }
        Optional<Boolean> mail4 = bool(properties, BmaProperties.REQUIRE_MAIL4_DELIVERED).or(() -> requireMail4Delivered);
        return new Safeguards(future, wait, mail4);
    }

    private static Optional<Boolean> bool(Map<String, String> properties, String key) {
        String value = properties.get(key);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, key + " '" + value
                    + "' is neither true nor false");
        };
    }
}
