package be.cfwb.bma.notify;

/**
 * Who signs a notification, as circular n°9358 assigns them: the SGNE (mails 1 and 3)
 * and the ETNIC (mails 2 and 4). Each role has its own {@link SenderIdentity} and its own
 * sending rate, because each sends from its own mailbox.
 */
public enum SenderRole {
    /** Service général du Numérique éducatif: the migration team. */
    SGNE,
    /** ETNIC: the FW-B's IT provider, which runs the mail service. */
    ETNIC
}
