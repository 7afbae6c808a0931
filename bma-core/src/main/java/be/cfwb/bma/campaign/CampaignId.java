package be.cfwb.bma.campaign;

import be.cfwb.bma.transfer.CopyTrace;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The id of one ledger's campaign, e.g. {@code c20261205-5f0c2a9e41b7}: the day it was created
 * and 48 random bits, so two ledgers never share one. Carried by every copy the campaign makes.
 */
public record CampaignId(String value) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    public CampaignId {
        Objects.requireNonNull(value, "value");
        if (!CopyTrace.isCampaignId(value)) {
            throw new IllegalArgumentException("Not a campaign id: " + value);
        }
    }

    /** A new id, dated by {@code clock}. */
    public static CampaignId generate(Clock clock) {
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        return new CampaignId("c" + DAY.format(clock.instant()) + "-" + HexFormat.of().formatHex(random));
    }

    @Override
    public String toString() {
        return value;
    }
}
