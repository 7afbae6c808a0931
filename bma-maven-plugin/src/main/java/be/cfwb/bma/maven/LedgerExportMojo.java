package be.cfwb.bma.maven;

import be.cfwb.bma.BmaProperties;

import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Copies every event of the ledger ({@code bma.ledger}, e.g. the PostgreSQL one) into an empty or
 * new JSON Lines ledger directory ({@code bma.ledger.to}): a backup anyone can read, or the way back
 * to one machine. The source is read as a snapshot, so runners may go on meanwhile.
 */
@Mojo(name = "ledger-export", requiresProject = false, threadSafe = true)
public class LedgerExportMojo extends LedgerCopyMojo {

    /** The directory to write the JSON Lines ledger into; it must hold no ledger yet. */
    @Parameter(property = "bma.ledger.to")
    protected String to;

    @Override
    protected String otherKey() {
        return BmaProperties.LEDGER_TO;
    }

    @Override
    protected String other() {
        return to;
    }

    @Override
    protected boolean fromLedger() {
        return true;
    }
}
