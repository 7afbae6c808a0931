package be.cfwb.bma.campaign;

import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailServerFixture;

/** {@link CampaignIdentitySuite} with GreenMail as the target. */
class GreenMailCampaignIdentityTest extends CampaignIdentitySuite {

    @Override
    protected MailServerFixture startTarget() {
        return GreenMailFixture.start();
    }
}
