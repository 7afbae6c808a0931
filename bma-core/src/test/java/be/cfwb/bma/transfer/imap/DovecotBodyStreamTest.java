package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;

/** The body stream suite on Dovecot; skipped where Dovecot is absent. */
@RequiresDovecot
class DovecotBodyStreamTest extends BodyStreamSuite {

    @Override
    protected MailServerFixture startServer() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }

    @Override
    protected boolean fastServer() {
        return true;
    }
}
