/**
 * The IMAP side of the transfer, over Jakarta Mail (Angus): {@link be.cfwb.bma.transfer.imap.ImapSource}
 * reads the old mailbox without changing it (EXAMINE, BODY.PEEK), {@link be.cfwb.bma.transfer.imap.ImapTarget}
 * APPENDs with flags, INTERNALDATE and the trace header, streaming large messages.
 * Authentication: password, admin (master) login through SASL PLAIN's authorization
 * identity, or XOAUTH2. Angus exceptions are translated here and never leave the package.
 */
package be.cfwb.bma.transfer.imap;
