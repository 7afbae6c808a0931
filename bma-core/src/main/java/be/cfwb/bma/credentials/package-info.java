/**
 * Secrets and where they come from: {@link be.cfwb.bma.credentials.Secret} (a value that
 * never prints itself), per-mailbox credentials files, the admin (master) login used for
 * every mailbox, and OAuth2 access tokens refreshed before they expire.
 */
package be.cfwb.bma.credentials;
