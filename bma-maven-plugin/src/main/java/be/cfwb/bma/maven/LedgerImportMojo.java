package be.cfwb.bma.maven;

import be.cfwb.bma.BmaProperties;

import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Copies every event of a JSON Lines ledger ({@code bma.ledger.from}) into the ledger
 * ({@code bma.ledger}, e.g. {@code jdbc:postgresql://host/bma}), which must be empty: the way a
 * campaign started on one machine moves to several runners. Stop every run on the old ledger first.
 */
@Mojo(name = "ledger-import", requiresProject = false, threadSafe = true)
public class LedgerImportMojo extends LedgerCopyMojo {

    /** The JSON Lines ledger directory to read. */
    @Parameter(property = "bma.ledger.from")
    protected String from;

    @Override
    protected String otherKey() {
        return BmaProperties.LEDGER_FROM;
    }

    @Override
    protected String other() {
        return from;
    }

    @Override
    protected boolean fromLedger() {
        return false;
    }
}
