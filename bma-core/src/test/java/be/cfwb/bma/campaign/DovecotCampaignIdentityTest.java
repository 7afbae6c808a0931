package be.cfwb.bma.campaign;

import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;

/**
 * {@link CampaignIdentitySuite} with a real Dovecot as the target: its own SEARCH of a header's
 * presence and absence, not an in-memory stand-in's; skipped without Dovecot.
 */
@RequiresDovecot
class DovecotCampaignIdentityTest extends CampaignIdentitySuite {

    @Override
    protected MailServerFixture startTarget() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }
}
