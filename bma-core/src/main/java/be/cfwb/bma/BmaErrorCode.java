package be.cfwb.bma;

/**
 * Stable identifiers of the failures the toolkit reports. Tools that react to errors match
 * on these, never on message text, which may improve from one release to the next.
 */
public enum BmaErrorCode {
    /** An address, FASE number or mailbox selector that does not follow the BMA rules. */
    INVALID_ADDRESS,
    /** An inventory file that cannot be read or has bad rows. */
    INVALID_INVENTORY,
    /** A configuration value that is missing, out of range or inconsistent. */
    INVALID_CONFIGURATION,
    /** The ledger cannot be opened, is locked by another process, or is corrupt. */
    LEDGER_UNAVAILABLE,
    /** The ledger holds a line that is not a valid event (other than a torn last line). */
    LEDGER_CORRUPT,
    /** A mail server or API could not be reached or refused our credentials. */
    CONNECTION_FAILED,
    /** A notification template is missing, unreadable or uses an unknown placeholder. */
    INVALID_TEMPLATE,
    /** The plan cannot fit the mailboxes into the available days. */
    PLAN_INFEASIBLE,
    /** A step was asked for before the steps it depends on were done. */
    STEP_OUT_OF_ORDER,
    /** A message or folder could not be copied or read during a transfer (see TransferException). */
    TRANSFER_FAILED,
    /** Anything the toolkit did not anticipate; always a bug worth reporting. */
    INTERNAL,
    /** A notification mail was refused or could not be handed over; it was not sent. */
    NOTIFICATION_FAILED,
    /** The connection broke after a notification mail was handed over: it may have been sent. */
    NOTIFICATION_UNCERTAIN,
    /** The target refused to set a new password, or the credential service failed. */
    CREDENTIAL_FAILED,
    /** The target mailbox is missing, does not match the address, or refuses our application. */
    TARGET_MAILBOX_UNAVAILABLE,
    /** A message is larger than the target accepts (tenant message size limit). */
    MESSAGE_TOO_LARGE,
    /** The target refused a request as invalid (shape, property, range). */
    TARGET_REJECTED,
    /**
     * A shared ledger refused an event another runner already recorded (the same mail): the
     * action it was about to record must not happen twice.
     */
    LEDGER_CONFLICT,
    /**
     * A mailbox's target holds this toolkit's copies of another campaign (or of none) while this
     * ledger has no record of the mailbox: a lost or another ledger; no mail is sent to it and its
     * password is not reset until the ledger is restored or the target's state adopted.
     */
    CAMPAIGN_MISMATCH
}
