package be.cfwb.bma.faults;

import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;

/** {@link MalformedAnswersSuite} Dovecot to Dovecot (MULTIAPPEND, LITERAL+). Skipped without Dovecot. */
@RequiresDovecot
class DovecotMalformedAnswersTest extends MalformedAnswersSuite {

    @Override
    protected MailServerFixture startOld() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }

    @Override
    protected MailServerFixture startNew() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }

}
