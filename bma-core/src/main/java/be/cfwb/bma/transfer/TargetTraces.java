package be.cfwb.bma.transfer;

import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link TraceProbe} found on a mailbox's target.
 *
 * @param foreign  true if a copy of this toolkit there was made by another campaign, or before
 *                 campaigns had ids
 * @param campaign the other campaign's id, if the copy found names one
 * @param where    the folder it was found in, for the message ("" if none)
 */
public record TargetTraces(boolean foreign, Optional<String> campaign, String where) {

    /** Nothing of another campaign there. */
    public static final TargetTraces NONE = new TargetTraces(false, Optional.empty(), "");

    public TargetTraces {
        Objects.requireNonNull(campaign, "campaign");
        Objects.requireNonNull(where, "where");
    }

    /** A copy of another campaign (or of none, if {@code campaign} is empty) in {@code where}. */
    public static TargetTraces foreign(Optional<String> campaign, String where) {
        return new TargetTraces(true, campaign.filter(CopyTrace::isCampaignId), where);
    }
}
