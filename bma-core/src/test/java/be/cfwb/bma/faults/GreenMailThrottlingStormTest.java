package be.cfwb.bma.faults;

import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailServerFixture;

/** {@link ThrottlingStormSuite} GreenMail to GreenMail (LITERAL+, no MULTIAPPEND: one APPEND per message). */
class GreenMailThrottlingStormTest extends ThrottlingStormSuite {

    @Override
    protected MailServerFixture startOld() {
        return GreenMailFixture.start();
    }

    @Override
    protected MailServerFixture startNew() {
        return GreenMailFixture.start();
    }
}
