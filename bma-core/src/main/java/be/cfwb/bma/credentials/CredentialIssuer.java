package be.cfwb.bma.credentials;

import be.cfwb.bma.address.BmaAddress;

/**
 * Sets a new password on a mailbox's account in the target (Exchange / Entra ID), so that
 * mail 2 can hand it to the school. Called once per sending attempt of mail 2, just before
 * the mail leaves; each call replaces the previous password, which is why a run that
 * crashed between issuing and sending issues a fresh one on rerun: the last mail 2 sent
 * always holds the valid password.
 *
 * <p>Implementations require a change of password at the first sign-in only if configured
 * to (as {@code bma.password.changeAtFirstSignIn}, which mails 2 and 3 describe), never log,
 * store or put the password in an exception, and translate their own failures into
 * {@link be.cfwb.bma.BmaException} ({@code CREDENTIAL_FAILED}, or {@code CONNECTION_FAILED}
 * when the service cannot be reached). They must be safe to call from one thread at a time;
 * the toolkit never calls them concurrently.
 */
public interface CredentialIssuer {

    /**
     * Makes {@code password} the password of the target account of {@code mailbox} (its
     * user principal name is the address itself).
     * Returns only once the target has accepted it.
     *
     * @throws be.cfwb.bma.BmaException if the target refused it or could not be reached; the
     *                                  old password may then still be in force and mail 2 is
     *                                  not sent
     */
    void issue(BmaAddress mailbox, Secret password);

    /** Words for reports and logs, e.g. {@code Microsoft Graph passwordProfile (tenant ...)}; no secret. */
    String description();
}
