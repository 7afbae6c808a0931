package be.cfwb.bma.faults;

import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;

/** {@link TwoServerTestBase} over two Dovecots, both with {@code /} as the hierarchy separator. */
abstract class TwoDovecotsTestBase extends TwoServerTestBase<DovecotFixture, DovecotFixture> {

    @Override
    protected DovecotFixture startOld() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }

    @Override
    protected DovecotFixture startNew() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }
}
