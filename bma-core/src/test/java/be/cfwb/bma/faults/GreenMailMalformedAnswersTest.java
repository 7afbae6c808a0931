package be.cfwb.bma.faults;

import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailServerFixture;

/** {@link MalformedAnswersSuite} GreenMail to GreenMail. */
class GreenMailMalformedAnswersTest extends MalformedAnswersSuite {

    @Override
    protected MailServerFixture startOld() {
        return GreenMailFixture.start();
    }

    @Override
    protected MailServerFixture startNew() {
        return GreenMailFixture.start();
    }
}
