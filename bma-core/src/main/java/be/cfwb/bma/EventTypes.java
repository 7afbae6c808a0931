package be.cfwb.bma;

import be.cfwb.bma.ledger.Event;

/**
 * The names of the ledger's event types, as written in the journal. Code reads and records the
 * typed {@link Event}s; these names stay for scripts and older callers.
 */
public final class EventTypes {

    /** A notification mail was sent; data {@code mail} = 1..4. */
    public static final String MAIL_SENT = Event.MailSent.TYPE;
    /** The target mailbox was checked and prepared. */
    public static final String MAILBOX_PROVISIONED = Event.MailboxProvisioned.TYPE;
    /** A copy pass ended; data {@code pass} = prestage|final, {@code complete} = true|false. */
    public static final String TRANSFER_PASS_DONE = Event.PassDone.TYPE;
    /**
     * The old mailbox was read (a dry run) soon after mail 1, so support can call the school in
     * time; data {@code found}, {@code bytes}, {@code renamed} (folders the target renames) or
     * {@code error}.
     */
    public static final String MAILBOX_SURVEYED = Event.MailboxSurveyed.TYPE;
    /** Ops recorded that routing now goes to Exchange. */
    public static final String CUTOVER_RECORDED = Event.CutoverRecorded.TYPE;
    /** Verification found every source message exactly once on the target. */
    public static final String VERIFY_PASSED = Event.Verified.PASSED;
    /** A folder was synced; data {@code folder} (encoded path), {@code uidvalidity}, {@code highestUid}, {@code pass}. */
    public static final String TRANSFER_FOLDER_SYNCED = Event.FolderSynced.TYPE;
    /** Verification found a message missing, duplicated or different; data {@code missing}, {@code duplicates}, {@code mismatches}. */
    public static final String VERIFY_FAILED = Event.Verified.FAILED;

    /**
     * A notification mail is about to be handed to the notifier; data {@code mail} = 1..4,
     * {@code attempt}, {@code message_id}. Without a matching {@link #MAIL_SENT} or
     * {@link #MAIL_FAILED} it marks a run that stopped while sending.
     */
    public static final String MAIL_SENDING = Event.MailSending.TYPE;
    /** A notification mail was refused; data {@code mail}, {@code attempt}, {@code reason}. */
    public static final String MAIL_FAILED = Event.MailFailed.TYPE;
    /**
     * A sent notification mail was found in the old mailbox, where the school reads it; data
     * {@code mail}, {@code message_id}, {@code folder} (where it was found).
     */
    public static final String MAIL_DELIVERED = "mail.delivered";
    /** A new password was set on the target account for mail 2 (never the password itself). */
    public static final String CREDENTIAL_ISSUED = Event.CredentialIssued.TYPE;

    /** A message a pass did not copy; data {@code folder}, {@code uidvalidity}, {@code uid}, {@code size}, {@code failed}, {@code reason}. */
    public static final String MESSAGE_REPORTED = Event.MessageReported.TYPE;
    /** Ops waived a reported message ({@code bma:waive}); data {@code folder}, {@code uidvalidity}, {@code uid}, {@code by}, {@code reason}. */
    public static final String MESSAGE_WAIVED = Event.MessageWaived.TYPE;
    /** The old server's flags of a folder's copied messages when last synced; data {@code folder}, {@code uidvalidity}, {@code flags}. */
    public static final String FLAGS_SYNCED = Event.FlagsSynced.TYPE;

    /** A plan was written (run-wide); data {@code mailboxes}, {@code changes}, {@code plan_csv_sha256}. */
    public static final String PLAN_PUBLISHED = Event.PlanPublished.TYPE;

    private EventTypes() {
    }
}
