package be.cfwb.bma.faults;

import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;

/**
 * {@link HostileFolderNamesSuite} from a Dovecot with {@code /} as separator (so {@code .} inside
 * names) to GreenMail, whose separator is {@code .}: the names must be changed on the way
 * without losing or merging anything. Skipped without Dovecot.
 */
@RequiresDovecot
class DovecotFolderNamesTest extends HostileFolderNamesSuite {

    @Override
    protected MailServerFixture startOld() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }

    @Override
    protected MailServerFixture startNew() {
        return GreenMailFixture.start();
    }

    @Override
    protected String otherSeparator() {
        return ".";
    }
}
