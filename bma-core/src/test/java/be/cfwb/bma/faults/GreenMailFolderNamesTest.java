package be.cfwb.bma.faults;

import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailServerFixture;

/** {@link HostileFolderNamesSuite} GreenMail to GreenMail ({@code .} separator, so {@code /} inside names). */
class GreenMailFolderNamesTest extends HostileFolderNamesSuite {

    @Override
    protected MailServerFixture startOld() {
        return GreenMailFixture.start();
    }

    @Override
    protected MailServerFixture startNew() {
        return GreenMailFixture.start();
    }

    @Override
    protected String otherSeparator() {
        return "/";
    }
}
