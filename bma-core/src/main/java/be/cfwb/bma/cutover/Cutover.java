package be.cfwb.bma.cutover;

import be.cfwb.bma.EventTypes;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.notify.DeliveryCheck;
import be.cfwb.bma.notify.DeliveryOutcome;

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
 * cutover; a failure is recorded as such, with the exit code, and can be retried. With a
 * {@link DeliveryCheck}, mail 4 must also have been found in the old mailbox: a mail 4 that a
 * relay delivered to the new mailbox instead never reached the school, and cutting over would
 * hide that for good.
 */
public final class Cutover {

    /** A hook attempt that did not succeed; data {@code exit}. */
    public static final String CUTOVER_FAILED = Event.CutoverFailed.TYPE;

    private static final Logger LOG = LoggerFactory.getLogger(Cutover.class);

    private final Ledger ledger;
    private final Optional<CutoverHook> hook;
    private final Optional<DeliveryCheck> mail4Check;

    public Cutover(Ledger ledger, Optional<CutoverHook> hook) {
        this(ledger, hook, Optional.empty());
    }

    /** @param mail4Check when present, a mailbox is cut over only once its mail 4 is found in the old mailbox */
    public Cutover(Ledger ledger, Optional<CutoverHook> hook, Optional<DeliveryCheck> mail4Check) {
        this.ledger = ledger;
        this.hook = hook;
        this.mail4Check = mail4Check;
    }

    /** Cuts over each mailbox that is ready, in order; never stops at one mailbox's failure. */
    public CutoverResult run(Collection<BmaAddress> mailboxes, boolean dryRun) {
        List<CutoverOutcome> outcomes = new ArrayList<>(mailboxes.size());
        for (BmaAddress mailbox : mailboxes) {
            outcomes.add(one(mailbox, dryRun));
        }
        return new CutoverResult(outcomes, dryRun);
    }

    /** True if the last mail 4 sent was found in the old mailbox. */
    private static boolean mail4Delivered(List<LedgerEvent> history) {
        Optional<String> id = history.stream().filter(MailboxStep.MAIL4_SENT::isReachedBy).reduce((a, b) -> b)
                .flatMap(e -> e.get("message_id"));
        return id.isPresent() && history.stream().anyMatch(e -> e.type().equals(EventTypes.MAIL_DELIVERED)
                && e.get("message_id").equals(id));
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
        if (mail4Check.isPresent() && !mail4Delivered(history)) {
            if (dryRun) {
                return new CutoverOutcome(mailbox, CutoverOutcome.Status.RECORDED, step,
                        "would look for mail 4 in the old mailbox, then " + (hook.isPresent() ? "run the cutover command"
                                : "record it"));
            }
            Optional<DeliveryOutcome> mail4 = mail4Check.get().run(List.of(mailbox)).of(mailbox, 4);
            if (mail4.isEmpty() || !mail4.get().isConfirmed()) {
                boolean pending = mail4.isPresent() && mail4.get().status() == DeliveryOutcome.Status.PENDING;
                String detail = "mail 4 " + mail4.map(o -> "<" + o.messageId() + "> " + o.detail()).orElse("is not recorded")
                        + (pending ? "; cutover waits for it: run again later" : "; cutover refused: the school would"
                        + " never read the last mail of its old mailbox");
                LOG.warn("Cutover of {} refused: {}", mailbox, detail);
                return new CutoverOutcome(mailbox, pending ? CutoverOutcome.Status.AWAITING_MAIL4
                        : CutoverOutcome.Status.MAIL4_UNCONFIRMED, step, detail);
            }
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
