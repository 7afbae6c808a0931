package be.cfwb.bma.faults;

import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;

/**
 * {@link ThrottlingStormSuite} Dovecot to Dovecot: the target offers MULTIAPPEND and LITERAL+, so
 * a throttled APPEND carries several literals the proxy must read and drop. Skipped without Dovecot.
 */
@RequiresDovecot
class DovecotThrottlingStormTest extends ThrottlingStormSuite {

    @Override
    protected MailServerFixture startOld() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }

    @Override
    protected MailServerFixture startNew() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }
}
