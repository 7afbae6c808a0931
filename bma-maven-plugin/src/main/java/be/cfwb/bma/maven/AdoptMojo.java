package be.cfwb.bma.maven;

import be.cfwb.bma.AdoptResult;
import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaAssembly;

import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Adopts, on purpose, what the targets of the named mailboxes hold: {@code -Dbma.mailboxes=<addresses>}.
 * A mailbox whose target holds this toolkit's copies of another campaign (a lost or other ledger)
 * gets no mail and no new password from this ledger until either that ledger is restored or its
 * state adopted here; the adoption is recorded in the ledger with the OS user, and the mails this
 * ledger has no record of are then sent as planned. With {@code bma.dryRun}, looks and records nothing.
 */
@Mojo(name = "adopt", requiresProject = false, threadSafe = true)
public class AdoptMojo extends AbstractTransferMojo {

    @Override
    protected BmaAssembly.Verb verb() {
        return BmaAssembly.Verb.ADOPT;
    }

    @Override
    protected void run(Bma bma) throws MojoFailureException {
        if (selection().isAll()) {
            throw new MojoFailureException("bma:adopt needs bma.mailboxes: name the mailboxes whose target state"
                    + " this ledger adopts (adopting is a decision per mailbox, recorded)");
        }
        AdoptResult result = bma.adopt(selection(), System.getProperty("user.name", "ops"), dryRun);
        result.rows().forEach(r -> getLog().info(r.line()));
        getLog().info(result.summaryLine() + (result.dryRun() ? " (dry run: nothing recorded)" : ""));
    }
}
