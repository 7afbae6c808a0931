package be.cfwb.bma;

/**
 * The ledger event types the lifecycle reads ({@link MailboxStep}). Components may record
 * other, finer events; these are the ones that move a mailbox from one step to the next.
 */
public final class EventTypes {

    /** A notification mail was sent; data {@code mail} = 1..4. */
    public static final String MAIL_SENT = "mail.sent";
    /** The target mailbox was checked and prepared. */
    public static final String MAILBOX_PROVISIONED = "mailbox.provisioned";
    /** A copy pass ended; data {@code pass} = prestage|final, {@code complete} = true|false. */
    public static final String TRANSFER_PASS_DONE = "transfer.pass.done";
    /** Ops recorded that routing now goes to Exchange. */
    public static final String CUTOVER_RECORDED = "cutover.recorded";
    /** Verification found every source message exactly once on the target. */
    public static final String VERIFY_PASSED = "verify.passed";
    /** A plan was written (run-wide); data {@code mailboxes}, {@code changes}, {@code plan_csv_sha256}. */
    public static final String PLAN_PUBLISHED = "plan.published";

    private EventTypes() {
    }
}
