package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.transfer.imap.ImapSource;

/** Opens an {@link ImapSource} on a fixture for assertions. */
final class ImapSourceAccess {

    private ImapSourceAccess() {
    }

    static MailboxSource open(MailServerFixture server, BmaAddress a) {
        return ImapSource.connector(server.imapEndpoint(), TransferSuite.passwords(), TransferSuite.CLOCK).open(a);
    }
}
