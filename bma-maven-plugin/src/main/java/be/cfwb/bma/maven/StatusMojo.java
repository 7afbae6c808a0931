package be.cfwb.bma.maven;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaAssembly;
import be.cfwb.bma.MailboxStatus;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.StatusResult;
import be.cfwb.bma.address.BmaKind;

import org.apache.maven.plugins.annotations.Mojo;

import java.util.Map;

/**
 * Prints one line per selected mailbox (address, step, name) and totals: where the
 * migration stands, read from the inventory and the ledger. When a few mailboxes are named
 * with {@code bma.mailboxes}, also prints what the ledger recorded for each: the answer to
 * "what happened to this mailbox?". Changes nothing.
 */
@Mojo(name = "status", requiresProject = false, threadSafe = true)
public class StatusMojo extends AbstractBmaMojo {

    /** Up to this many explicitly selected mailboxes, each one's history is printed too. */
    static final int HISTORY_LIMIT = 20;

    @Override
    protected BmaAssembly.Verb verb() {
        return BmaAssembly.Verb.STATUS;
    }

    @Override
    protected void run(Bma bma) {
        StatusResult result = bma.status(selection());
        result.ledgerRecovery().ifPresent(getLog()::warn);
        boolean withHistory = !selection().isAll() && result.mailboxes().size() <= HISTORY_LIMIT;
        for (MailboxStatus row : result.mailboxes()) {
            getLog().info(String.format("%-21s %-17s %s", row.mailbox().address(), row.step().label(), row.mailbox().name()));
            if (withHistory) {
                row.history().forEach(e -> getLog().info(String.format("    #%d %s %s %s", e.sequence(), e.at(), e.type(), e.data())));
            }
        }
        Map<BmaKind, Integer> kinds = result.totalsByKind();
        getLog().info(String.format("%d mailboxes (%d EC, %d PO)", result.mailboxes().size(),
                kinds.get(BmaKind.EC), kinds.get(BmaKind.PO)));
        StringBuilder steps = new StringBuilder();
        result.totalsByStep().forEach((step, count) -> {
            if (count > 0 || step == MailboxStep.VERIFIED) {
                steps.append(steps.length() == 0 ? "" : ", ").append(step.label()).append(": ").append(count);
            }
        });
        getLog().info(steps.toString());
    }
}
