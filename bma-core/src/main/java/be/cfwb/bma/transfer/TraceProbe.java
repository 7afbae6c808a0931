package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;

import java.util.Optional;

/**
 * Looks, read-only and cheaply, for this toolkit's copies on a mailbox's target that another
 * campaign made (or one before campaigns had ids): one login and a search for the trace, before
 * an irreversible step for a mailbox the ledger knows nothing of. IMAP: a search per folder for
 * {@value SourceKey#HEADER} without {@value CopyTrace#CAMPAIGN_HEADER} {@code ours}; Graph: a
 * listing of the mailbox's messages with the two properties.
 */
@FunctionalInterface
public interface TraceProbe {

    /**
     * What of ours {@code mailbox}'s target holds. A mailbox the target does not have (not yet
     * created) holds nothing of ours.
     *
     * @param ours the campaign whose copies are not foreign, if the ledger has an id
     * @throws TransferException if the target could not be asked (retryable) or refused
     */
    TargetTraces probe(BmaAddress mailbox, Optional<String> ours);
}
