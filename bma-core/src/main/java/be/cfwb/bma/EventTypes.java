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
    /**
     * The old mailbox was read (a dry run) soon after mail 1, so support can call the school in
     * time; data {@code found}, {@code bytes}, {@code renamed} (folders the target renames) or
     * {@code error}.
     */
    public static final String MAILBOX_SURVEYED = "mailbox.surveyed";
    /** Ops recorded that routing now goes to Exchange. */
    public static final String CUTOVER_RECORDED = "cutover.recorded";
    /** Verification found every source message exactly once on the target. */
    public static final String VERIFY_PASSED = "verify.passed";
    /** A folder was synced; data {@code folder} (encoded path), {@code uidvalidity}, {@code highestUid}, {@code pass}. */
    public static final String TRANSFER_FOLDER_SYNCED = "transfer.folder.synced";
    /** Verification found a message missing, duplicated or different; data {@code missing}, {@code duplicates}, {@code mismatches}. */
    public static final String VERIFY_FAILED = "verify.failed";

    /**
     * A notification mail is about to be handed to the notifier; data {@code mail} = 1..4,
     * {@code attempt}, {@code message_id}. Without a matching {@link #MAIL_SENT} or
     * {@link #MAIL_FAILED} it marks a run that stopped while sending.
     */
    public static final String MAIL_SENDING = "mail.sending";
    /** A notification mail was refused; data {@code mail}, {@code attempt}, {@code reason}. */
    public static final String MAIL_FAILED = "mail.failed";
    /**
     * A sent notification mail was found in the old mailbox, where the school reads it; data
     * {@code mail}, {@code message_id}, {@code folder} (where it was found).
     */
    public static final String MAIL_DELIVERED = "mail.delivered";
    /** A new password was set on the target account for mail 2 (never the password itself). */
    public static final String CREDENTIAL_ISSUED = "credential.issued";

    /** A plan was written (run-wide); data {@code mailboxes}, {@code changes}, {@code plan_csv_sha256}. */
    public static final String PLAN_PUBLISHED = "plan.published";

    private EventTypes() {
    }
}
