package be.cfwb.bma.transfer;

import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailServerFixture;

/** Changes between passes with GreenMail as old and new server. */
class GreenMailBetweenPassesTest extends BetweenPassesSuite {

    @Override
    protected MailServerFixture startServer() {
        return GreenMailFixture.start();
    }
}
