package be.cfwb.bma.faults;

import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;

/**
 * {@link SourceUntouchedSuite} with a real Dovecot as the old server (strict about \Seen and
 * UIDs, unlike an in-memory stand-in) and GreenMail as the target; skipped without Dovecot.
 */
@RequiresDovecot
class DovecotSourceUntouchedTest extends SourceUntouchedSuite {

    @Override
    protected MailServerFixture startOld() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }

    @Override
    protected MailServerFixture startNew() {
        return GreenMailFixture.start();
    }
}
