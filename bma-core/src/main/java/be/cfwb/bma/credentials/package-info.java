/**
 * Secrets and the credentials the migration hands out: {@link be.cfwb.bma.credentials.Secret}
 * (a value that masks itself), the {@link be.cfwb.bma.credentials.PasswordGenerator} for the
 * new-interface password of mail 2, and the {@link be.cfwb.bma.credentials.CredentialIssuer}
 * SPI that sets that password on the target account before the mail leaves.
 */
package be.cfwb.bma.credentials;
