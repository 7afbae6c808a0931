package be.cfwb.bma.notify;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.time.Duration;

/**
 * How fast one sender may send. Exchange Online accepts about 30 messages a minute and
 * 10,000 recipients a day per mailbox for SMTP submission; the defaults stay at those
 * figures. Mails are spaced evenly ({@link #interval()}) rather than sent in bursts, and
 * what exceeds the daily allowance waits for the next run.
 *
 * @param perMinute mails per minute per sender, at least 1
 * @param perDay    mails per day per sender, at least 1
 */
public record RateLimit(int perMinute, int perDay) {

    /** Exchange Online's client-submission limits. */
    public static final RateLimit EXCHANGE_ONLINE = new RateLimit(30, 10_000);

    public RateLimit {
        if (perMinute < 1 || perDay < 1) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "Rate limit " + perMinute + "/min, " + perDay + "/day: both must be at least 1");
        }
    }

    /** The time between two mails of one sender. */
    public Duration interval() {
        return Duration.ofMinutes(1).dividedBy(perMinute);
    }

    /** Parses {@code 30/min} or {@code 30/min,10000/day}. */
    public static RateLimit parse(String text) {
        int perMinute = EXCHANGE_ONLINE.perMinute;
        int perDay = EXCHANGE_ONLINE.perDay;
        try {
            for (String part : text.split(",")) {
                String p = part.strip();
                if (p.endsWith("/min")) {
                    perMinute = Integer.parseInt(p.substring(0, p.length() - 4).strip());
                } else if (p.endsWith("/day")) {
                    perDay = Integer.parseInt(p.substring(0, p.length() - 4).strip());
                } else {
                    throw new NumberFormatException(p);
                }
            }
        } catch (NumberFormatException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "Rate limit '" + text + "' is not understood; write it as 30/min or 30/min,10000/day");
        }
        return new RateLimit(perMinute, perDay);
    }

    @Override
    public String toString() {
        return perMinute + "/min," + perDay + "/day";
    }
}
