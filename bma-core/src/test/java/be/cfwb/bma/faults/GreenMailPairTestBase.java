package be.cfwb.bma.faults;

import be.cfwb.bma.testing.GreenMailFixture;

/** {@link TwoServerTestBase} with GreenMail as both the old server and the target. */
abstract class GreenMailPairTestBase extends TwoServerTestBase<GreenMailFixture, GreenMailFixture> {

    @Override
    protected GreenMailFixture startOld() {
        return GreenMailFixture.start();
    }

    @Override
    protected GreenMailFixture startNew() {
        return GreenMailFixture.start();
    }
}
