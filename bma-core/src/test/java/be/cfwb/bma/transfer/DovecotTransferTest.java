package be.cfwb.bma.transfer;

import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;

/** The transfer suite with Dovecot ({@code /} separator) as old and new server; skipped where Dovecot is absent. */
@RequiresDovecot
class DovecotTransferTest extends TransferSuite {

    @Override
    protected MailServerFixture startServer() {
        return DovecotFixture.start(HierarchyStyle.SLASH);
    }

    /** Under {@code /} a name cannot hold a {@code /}; the other separator is {@code .}. */
    @Override
    protected FolderPath slashed() {
        return FolderPath.of("Factures 2023.2024");
    }
}
