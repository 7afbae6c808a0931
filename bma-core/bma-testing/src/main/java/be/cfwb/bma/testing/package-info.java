/**
 * Test support for this project, the demo and downstream projects: an IMAP server
 * abstraction ({@link be.cfwb.bma.testing.MailServerFixture}) with an in-process GreenMail
 * implementation, a seeder that fills an old mailbox over plain IMAP (folders, flags, dates,
 * attachments), an inspector that reads a mailbox back, and realistic sample content for
 * school mailboxes ({@link be.cfwb.bma.testing.SampleMailboxes}). Nothing here is used by a
 * production migration: it ships in the {@code be.cfwb.bma:bma-testing} artifact, which a
 * project adds as its one test dependency (it brings GreenMail, JUnit 5 and AssertJ).
 */
package be.cfwb.bma.testing;
