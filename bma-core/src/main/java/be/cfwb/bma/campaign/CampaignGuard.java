package be.cfwb.bma.campaign;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.notify.MailboxGate;
import be.cfwb.bma.transfer.LoginRefusedException;
import be.cfwb.bma.transfer.TargetTraces;
import be.cfwb.bma.transfer.TraceProbe;
import be.cfwb.bma.transfer.TransferException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Keeps a lost, new or other ledger from mailing a school twice and resetting its password: before
 * the first mail or password of a mailbox the ledger has no record of ({@link CampaignLedger#knows}),
 * the target is asked ({@link TraceProbe}) whether it holds this toolkit's copies of another
 * campaign (or of none: made before campaigns had ids). If it does, the mailbox is refused with
 * {@link BmaErrorCode#CAMPAIGN_MISMATCH}, naming the two ways out: restore the ledger, or adopt the
 * target's state ({@code bma:adopt}, recorded). A mailbox is asked once per run. Without a
 * configured target there is nothing to ask, and every mailbox goes on (documented).
 */
public final class CampaignGuard implements MailboxGate {

    private static final Logger LOG = LoggerFactory.getLogger(CampaignGuard.class);

    private final Ledger ledger;
    private final Supplier<CampaignId> campaign;
    private CampaignId ours;
    private final Optional<TraceProbe> probe;
    private final String ledgerName;
    private final Set<BmaAddress> cleared = new HashSet<>();
    /** A shared login the target refused: tried once a run, not once a mailbox. */
    private LoginRefusedException refusedLogin;

    /**
     * A guard for {@code ledger}, asking {@code probe}.
     *
     * @param campaign   the ledger's campaign, asked for (and recorded if new) only when a mailbox is
     *                   first let through or looked at: a run refused before any mail records nothing
     * @param ledgerName where the ledger is, for the message
     */
    public CampaignGuard(Ledger ledger, Supplier<CampaignId> campaign, Optional<TraceProbe> probe, String ledgerName) {
        this.ledger = ledger;
        this.campaign = campaign;
        this.probe = probe;
        this.ledgerName = ledgerName;
    }

    @Override
    public void requireOpen(BmaAddress mailbox) {
        if (ours == null) {
            ours = campaign.get();
        }
        if (cleared.contains(mailbox) || CampaignLedger.knows(ledger, mailbox) || probe.isEmpty()) {
            return;
        }
        TargetTraces found;
        try {
            if (refusedLogin != null) {
                throw refusedLogin;
            }
            found = probe.get().probe(mailbox, Optional.of(ours.value()));
        } catch (TransferException e) {
            if (e instanceof LoginRefusedException refused && refused.isShared()) {
                refusedLogin = refused;
            }
            throw new BmaException(BmaErrorCode.CONNECTION_FAILED, mailbox + ": this ledger (campaign " + ours
                    + ") has no record of this mailbox and its target could not be searched for another campaign's"
                    + " copies (" + e.getMessage() + "); nothing is sent to it and its password is not reset in this"
                    + " run; the next run looks again", e);
        }
        if (found.foreign()) {
            throw new BmaException(BmaErrorCode.CAMPAIGN_MISMATCH, refusal(mailbox, found));
        }
        LOG.debug("{}: no copy of another campaign on its target", mailbox);
        cleared.add(mailbox);
    }

    private String refusal(BmaAddress mailbox, TargetTraces found) {
        String theirs = found.campaign().map(c -> "campaign " + c).orElse("a campaign without id (an earlier version)");
        String restore = found.campaign().map(c -> "the ledger of campaign " + c).orElse("the ledger that copied it");
        return mailbox + ": its target already holds copies this toolkit made for " + theirs
                + (found.where().isEmpty() ? "" : " (in " + found.where() + ")") + ", but this ledger (campaign "
                + ours + ", " + ledgerName + ") has no record of this mailbox: it would mail the school again"
                + " and reset its password. Nothing is sent to it and its password is not reset. Either restore "
                + restore + " from its backup and point bma.ledger at it, or adopt the target's state on purpose:"
                + " mvn bma:adopt -Dbma.mailboxes=" + mailbox + " (recorded in this ledger; the mails it has no"
                + " record of are then sent as planned)";
    }
}
