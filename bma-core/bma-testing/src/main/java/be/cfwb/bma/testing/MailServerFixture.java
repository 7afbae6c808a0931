package be.cfwb.bma.testing;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

/**
 * An IMAP server for tests, on loopback: GreenMail in-process ({@link GreenMailFixture}), or
 * a real server such as Dovecot started by the test. Integration tests written against this
 * interface run against any of them. Seeding and reading go over IMAP
 * ({@link MailboxSeeder}, {@link MailboxInspector}), so they work the same everywhere.
 */
public interface MailServerFixture extends AutoCloseable {

    /** Where the server listens, e.g. {@code imap://127.0.0.1:40143}. */
    ImapEndpoint imapEndpoint();

    /** Creates a mailbox whose login is {@code address} and password {@code password}. */
    void createUser(BmaAddress address, String password);

    /** A short name for test output, e.g. {@code greenmail}. */
    String name();

    /** Opens a seeder for a mailbox created with {@link #createUser}. */
    default MailboxSeeder seeder(BmaAddress address, String password) {
        return MailboxSeeder.connect(imapEndpoint(), address.toString(), password);
    }

    /** Opens an inspector for a mailbox created with {@link #createUser}. */
    default MailboxInspector inspector(BmaAddress address, String password) {
        return MailboxInspector.connect(imapEndpoint(), address.toString(), password);
    }

    @Override
    void close();
}
