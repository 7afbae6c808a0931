/**
 * Test support for this project and downstream ones: an IMAP server abstraction
 * ({@link be.cfwb.bma.testing.MailServerFixture}) with an in-process GreenMail implementation,
 * a seeder that fills an old mailbox over plain IMAP (folders, flags, dates, attachments) and
 * an inspector that reads a mailbox back. GreenMail and JUnit are optional dependencies of
 * bma-core: add them to your test scope to use this package.
 */
package be.cfwb.bma.testing;
