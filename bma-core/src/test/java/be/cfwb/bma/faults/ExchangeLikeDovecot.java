package be.cfwb.bma.faults;

import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.DovecotServer;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;

/**
 * A Dovecot that announces what Exchange Online does (as the WAN benchmark's Exchange-like
 * profile): LITERAL+ and no MULTIAPPEND, so every message is one APPEND.
 */
final class ExchangeLikeDovecot {

    /** Exchange Online's capabilities, less the AUTH= the login adds. */
    static final String CAPABILITIES = "IMAP4rev1 SASL-IR UIDPLUS MOVE ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+";

    private ExchangeLikeDovecot() {
    }

    static MailServerFixture start() {
        return DovecotFixture.of(DovecotServer.builder().hierarchy(HierarchyStyle.SLASH).imapCapability(CAPABILITIES).start());
    }
}
