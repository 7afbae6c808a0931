/**
 * A real IMAP server for tests: a private Dovecot (Debian's {@code dovecot-core} and
 * {@code dovecot-imapd}) started on loopback with its own configuration and mail in a
 * temporary directory ({@link be.cfwb.bma.testing.dovecot.DovecotServer}), a JUnit 5 extension
 * and annotation that skip the tests where Dovecot is absent, and the generated corpus and
 * benchmark that measure the transfer engine between two such servers.
 */
package be.cfwb.bma.testing.dovecot;
