package be.cfwb.bma;

import be.cfwb.bma.ledger.LedgerEvent;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The steps of one mailbox's migration, in the order of circular n°9358 ("Procédures").
 * A mailbox's step is the furthest one the ledger shows done; each step names the ledger
 * event that proves it, so the components that act and the status that reports agree on
 * one vocabulary.
 */
public enum MailboxStep {
    /** Nothing done yet. */
    PENDING("pending", e -> false),
    /** Mail 1 (SGNE): the planned date was announced; the date is now a commitment. */
    MAIL1_SENT("mail 1 sent", mail(1)),
    /** The target mailbox was checked and prepared. */
    PROVISIONED("provisioned", type(EventTypes.MAILBOX_PROVISIONED)),
    /** Mail 2 (ETNIC): the new password was sent. */
    MAIL2_SENT("mail 2 sent", mail(2)),
    /** Mail 3 (SGNE): date confirmed, link and tutorials sent. */
    MAIL3_SENT("mail 3 sent", mail(3)),
    /** Bulk copy done while the old mailbox still receives. */
    PRESTAGED("pre-staged", pass("prestage")),
    /** Mail 4 (ETNIC): the last mail the old mailbox receives. */
    MAIL4_SENT("mail 4 sent", mail(4)),
    /** Routing switched to Exchange (done by ops, recorded here). */
    CUT_OVER("cut over", type(EventTypes.CUTOVER_RECORDED)),
    /** What arrived after pre-stage was copied. */
    FINAL_DELTA_DONE("final delta done", pass("final")),
    /** Every source message was found exactly once on the target. */
    VERIFIED("verified", type(EventTypes.VERIFY_PASSED));

    private final String label;
    @SuppressWarnings("ImmutableEnumChecker") // stateless predicates over immutable events
    private final Predicate<LedgerEvent> reachedBy;

    MailboxStep(String label, Predicate<LedgerEvent> reachedBy) {
        this.label = label;
        this.reachedBy = reachedBy;
    }

    /** Words for people, e.g. {@code mail 1 sent}. */
    public String label() {
        return label;
    }

    /** True if {@code event} proves this step done. */
    public boolean isReachedBy(LedgerEvent event) {
        return reachedBy.test(event);
    }

    /** The furthest step that {@code history} (one mailbox's events) shows done. */
    public static MailboxStep of(List<LedgerEvent> history) {
        MailboxStep furthest = PENDING;
        for (LedgerEvent event : history) {
            for (MailboxStep step : values()) {
                if (step.ordinal() > furthest.ordinal() && step.isReachedBy(event)) {
                    furthest = step;
                }
            }
        }
        return furthest;
    }

    /** The step {@code history} shows done last, if any, with when. */
    public static Optional<LedgerEvent> lastStepEvent(List<LedgerEvent> history) {
        for (int i = history.size() - 1; i >= 0; i--) {
            LedgerEvent e = history.get(i);
            for (MailboxStep step : values()) {
                if (step.isReachedBy(e)) {
                    return Optional.of(e);
                }
            }
        }
        return Optional.empty();
    }

    private static Predicate<LedgerEvent> type(String type) {
        return e -> e.type().equals(type);
    }

    private static Predicate<LedgerEvent> mail(int number) {
        return e -> e.type().equals(EventTypes.MAIL_SENT) && e.get("mail").equals(Optional.of(Integer.toString(number)));
    }

    private static Predicate<LedgerEvent> pass(String pass) {
        return e -> e.type().equals(EventTypes.TRANSFER_PASS_DONE) && e.get("pass").equals(Optional.of(pass))
                && e.get("complete").equals(Optional.of("true"));
    }
}
