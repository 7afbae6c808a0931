/**
 * Secrets and credentials: {@link be.cfwb.bma.credentials.Secret} (a value that masks
 * itself); per-mailbox credentials files, the admin (master) login used for every mailbox,
 * and OAuth2 access tokens refreshed before they expire; the
 * {@link be.cfwb.bma.credentials.PasswordGenerator} for the new-interface password of mail 2,
 * and the {@link be.cfwb.bma.credentials.CredentialIssuer} SPI that sets that password on the
 * target account before the mail leaves.
 */
package be.cfwb.bma.credentials;
