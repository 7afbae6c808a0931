package be.cfwb.bma.transfer;

/**
 * A login the server turned away for a reason other than the credentials: too many connections
 * for the mailbox, or the service busy for now. Retryable, and never counted as a refused login
 * (which, for a shared admin login, would stop every mailbox of the run). A further connection of
 * a mailbox that meets it leaves its folders to the connections the server did admit.
 */
public final class LoginTurnedAwayException extends TransferException {

    private static final long serialVersionUID = 1L;

    public LoginTurnedAwayException(String message) {
        super(message, true, null, null);
    }
}
