/**
 * A downstream system's own use of the toolkit: {@link be.cfwb.bma.examples.downstream.SchoolMailboxMigration}
 * plans, copies and verifies a list of school mailboxes, from the old IMAP server to Exchange
 * through Microsoft Graph. Its test shows how such a project tests that use end to end with
 * the toolkit's test support.
 */
package be.cfwb.bma.examples.downstream;
