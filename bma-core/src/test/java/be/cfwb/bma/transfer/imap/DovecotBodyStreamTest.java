package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;

import org.junit.jupiter.api.Test;

/** The body stream suite on Dovecot; skipped where Dovecot is absent. */
@RequiresDovecot
class DovecotBodyStreamTest extends BodyStreamSuite {

    @Override
    protected MailServerFixture startServer() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }

    @Test
    @Override
    protected void blocksAreAskedAheadSoALargeMessageDoesNotWaitARoundTripPerBlock() throws Exception {
        super.blocksAreAskedAheadSoALargeMessageDoesNotWaitARoundTripPerBlock();
    }
}
