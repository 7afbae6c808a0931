/**
 * The mailbox transfer engine: copies every server-side message of a BMA from the old
 * server ({@link be.cfwb.bma.transfer.MailboxSource}) to the new one
 * ({@link be.cfwb.bma.transfer.MailboxTarget}) exactly once, keyed by
 * {@link be.cfwb.bma.transfer.SourceKey}, and proves it ({@link be.cfwb.bma.transfer.Verifier}).
 * {@link be.cfwb.bma.transfer.SyncEngine} runs mailboxes in parallel and writes a
 * {@link be.cfwb.bma.transfer.TransferReport}; {@link be.cfwb.bma.transfer.FolderMapper} decides
 * where each source folder goes.
 */
package be.cfwb.bma.transfer;
