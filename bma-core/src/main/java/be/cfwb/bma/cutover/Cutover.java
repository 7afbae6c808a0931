package be.cfwb.bma.cutover;

import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.ledger.LedgerEvent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Records cutovers in the ledger. A mailbox is ready once mail 4 (the last mail the old
 * mailbox receives) was sent: switching routing earlier would make the school miss it. With
 * a {@link CutoverHook}, the hook does the switch and only its success is recorded as a
 * cutover; a failure is recorded as such, with the exit code, and can be retried.
 */
public final class Cutover {

    /** A hook attempt that did not succeed; data {@code exit}. */
    public static final String CUTOVER_FAILED = Event.CutoverFailed.TYPE;

    private static final Logger LOG = LoggerFactory.getLogger(Cutover.class);

    private final Ledger ledger;
    private final Optional<CutoverHook> hook;

    public Cutover(Ledger ledger, Optional<CutoverHook> hook) {
        this.ledger = ledger;
        this.hook = hook;
    }

    /** Cuts over each mailbox that is ready, in order; never stops at one mailbox's failure. */
    public CutoverResult run(Collection<BmaAddress> mailboxes, boolean dryRun) {
        List<CutoverOutcome> outcomes = new ArrayList<>(mailboxes.size());
        for (BmaAddress mailbox : mailboxes) {
            outcomes.add(one(mailbox, dryRun));
        }
        return new CutoverResult(outcomes, dryRun);
    }

    private CutoverOutcome one(BmaAddress mailbox, boolean dryRun) {
        List<LedgerEvent> history = ledger.lastOfEachKind(mailbox);
        MailboxStep step = MailboxStep.of(history);
        if (history.stream().anyMatch(MailboxStep.CUT_OVER::isReachedBy)) {
            return new CutoverOutcome(mailbox, CutoverOutcome.Status.ALREADY_RECORDED, step, "cut over before");
        }
        if (history.stream().noneMatch(MailboxStep.MAIL4_SENT::isReachedBy)) {
            return new CutoverOutcome(mailbox, CutoverOutcome.Status.NOT_READY, step,
                    "mail 4 has not been sent (the mailbox is at '" + step.label() + "'): the school would miss it");
        }
        if (dryRun) {
            return new CutoverOutcome(mailbox, CutoverOutcome.Status.RECORDED, step,
                    hook.isPresent() ? "would run the cutover command" : "would be recorded");
        }
        if (hook.isEmpty()) {
            ledger.append(LedgerEntry.of(new Event.CutoverRecorded("ops")).mailbox(mailbox));
            return new CutoverOutcome(mailbox, CutoverOutcome.Status.RECORDED, step, "recorded by ops");
        }
        CutoverHook.Outcome outcome = hook.get().run(mailbox);
        if (outcome.success()) {
            ledger.append(LedgerEntry.of(new Event.CutoverRecorded("hook")).mailbox(mailbox));
            return new CutoverOutcome(mailbox, CutoverOutcome.Status.RECORDED, step, "cutover command succeeded");
        }
        LOG.warn("Cutover command failed for {}: exit {}", mailbox, outcome.exitCode());
        // The command's output goes to the result only: the ledger cannot know it holds no secret.
        ledger.append(LedgerEntry.of(new Event.CutoverFailed(outcome.exitCode())).mailbox(mailbox));
        return new CutoverOutcome(mailbox, CutoverOutcome.Status.HOOK_FAILED, step,
                "cutover command exited with " + outcome.exitCode() + (outcome.output().isEmpty() ? "" : ": " + outcome.output()));
    }
}
