package be.cfwb.bma.transfer;

import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailServerFixture;

/** The transfer suite with GreenMail as old and new server. */
class GreenMailTransferTest extends TransferSuite {

    @Override
    protected MailServerFixture startServer() {
        return GreenMailFixture.start();
    }
}
