package be.cfwb.bma.lifecycle;

import be.cfwb.bma.BmaException;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.transfer.MailboxConnector;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.SpecialUse;
import be.cfwb.bma.transfer.TargetFolder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks, before mail 2 gives the school its new password, that each target mailbox exists,
 * takes our login and can be written to (its inbox is resolved), and records it. A mailbox
 * that fails is reported with the reason and the others go on.
 */
public final class Provisioning {

    private static final Logger LOG = LoggerFactory.getLogger(Provisioning.class);

    private final MailboxConnector<MailboxTarget> target;
    private final Ledger ledger;

    public Provisioning(MailboxConnector<MailboxTarget> target, Ledger ledger) {
        this.target = target;
        this.ledger = ledger;
    }

    public ProvisionResult run(Collection<BmaAddress> mailboxes) {
        List<BmaAddress> ready = new ArrayList<>();
        Map<BmaAddress, String> failures = new TreeMap<>();
        for (BmaAddress mailbox : mailboxes) {
            if (ledger.lastOfEachKind(mailbox).stream().anyMatch(MailboxStep.PROVISIONED::isReachedBy)) {
                ready.add(mailbox);
                continue;
            }
            try (MailboxTarget session = target.open(mailbox)) {
                session.ensureFolder(TargetFolder.of(SpecialUse.INBOX));
                ledger.append(LedgerEntry.of(new Event.MailboxProvisioned()).mailbox(mailbox));
                ready.add(mailbox);
            } catch (BmaException e) {
                LOG.warn("Target mailbox {} is not ready: {}", mailbox, e.getMessage());
                failures.put(mailbox, e.getMessage());
            }
        }
        return new ProvisionResult(ready, failures);
    }
}
