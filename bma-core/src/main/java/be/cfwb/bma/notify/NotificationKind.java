package be.cfwb.bma.notify;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

/**
 * The four mails each mailbox receives, in the order of circular n°9358 ("Procédures"),
 * all addressed to the OLD mailbox. A mail of a mailbox never leaves before the one before
 * it: {@link #previous()}.
 */
public enum NotificationKind {
    /** Planned migration date and the date the new interface can be reached. */
    MAIL1(1, SenderRole.SGNE),
    /** The new password for the new interface. The only mail that holds a secret. */
    MAIL2(2, SenderRole.ETNIC),
    /** Confirmation of the date, link to the new interface, two tutorials. */
    MAIL3(3, SenderRole.SGNE),
    /** The last mail the old interface receives; holds the link to the new one. */
    MAIL4(4, SenderRole.ETNIC);

    private final int number;
    private final SenderRole sender;

    NotificationKind(int number, SenderRole sender) {
        this.number = number;
        this.sender = sender;
    }

    /** 1 to 4, as recorded in the ledger's {@code mail} field. */
    public int number() {
        return number;
    }

    public SenderRole sender() {
        return sender;
    }

    /** True for mail 2, which carries the new password. */
    public boolean carriesPassword() {
        return this == MAIL2;
    }

    /** The base name of its template files, e.g. {@code mail1}. */
    public String templateName() {
        return "mail" + number;
    }

    /** The mail that must have left before this one, or {@code null} for mail 1. */
    public NotificationKind previous() {
        return number == 1 ? null : values()[number - 2];
    }

    /**
     * The kind numbered {@code number}.
     *
     * @throws BmaException if {@code number} is not 1 to 4
     */
    public static NotificationKind ofNumber(int number) {
        if (number < 1 || number > 4) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "Mail number " + number + " does not exist; the notifications are numbered 1 to 4");
        }
        return values()[number - 1];
    }
}
