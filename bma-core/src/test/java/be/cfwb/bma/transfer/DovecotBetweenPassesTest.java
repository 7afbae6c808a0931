package be.cfwb.bma.transfer;

import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;

/** Changes between passes with Dovecot as old and new server; skipped where Dovecot is absent. */
@RequiresDovecot
class DovecotBetweenPassesTest extends BetweenPassesSuite {

    @Override
    protected MailServerFixture startServer() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }
}
