package be.cfwb.bma.faults;

import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailServerFixture;

/** {@link SourceUntouchedSuite} with GreenMail as old and new server. */
class GreenMailSourceUntouchedTest extends SourceUntouchedSuite {

    @Override
    protected MailServerFixture startOld() {
        return GreenMailFixture.start();
    }

    @Override
    protected MailServerFixture startNew() {
        return GreenMailFixture.start();
    }
}
