package be.cfwb.bma.faults;

import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;

import static org.assertj.core.api.Assertions.assertThat;

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

    /** Dovecot needs few commands (one MULTIAPPEND a folder): the first 4 APPENDs, whole batches. */
    @Override
    protected ThrottlingImapProxy.Storm targetStorm() {
        return ThrottlingImapProxy.Storm.of(4, SUGGESTED, "APPEND");
    }

    @Override
    protected ThrottlingImapProxy.Storm sourceStorm() {
        return ThrottlingImapProxy.Storm.of(2, SUGGESTED, "EXAMINE", "UID FETCH");
    }

    @Override
    protected int minThrottled() {
        return 6;
    }

    @Override
    protected void afterStorm(ThrottlingImapProxy toNew) {
        assertThat(toNew.literalBytesDropped()).as("the LITERAL+ messages of throttled MULTIAPPENDs were read and dropped")
                .isPositive();
    }
}
