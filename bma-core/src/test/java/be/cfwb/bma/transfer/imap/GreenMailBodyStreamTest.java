package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailServerFixture;

/** The body stream suite on GreenMail, which renders the whole message again for each block: too slow to time (the timing case runs on Dovecot only). */
class GreenMailBodyStreamTest extends BodyStreamSuite {

    @Override
    protected MailServerFixture startServer() {
        return GreenMailFixture.start();
    }
}
