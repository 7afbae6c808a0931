package be.cfwb.bma.maven;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaAssembly;
import be.cfwb.bma.WaiveResult;
import be.cfwb.bma.transfer.MessageWaivers;

import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.util.Optional;

/**
 * Acknowledges reported messages of one mailbox that will not be copied (too large for the
 * target, refused, failed for good): {@code -Dbma.mailboxes=<address> -Dbma.waive=<folder>/<uid>,...}.
 * Each must be one a pass reported; the waive is recorded in the ledger with the OS user and
 * {@code bma.waive.reason}, and the mailbox can then reach "pre-staged", mail 4 and the cutover.
 * A waived message is never copied later; reports and {@code bma:verify} list it as waived.
 */
@Mojo(name = "waive", requiresProject = false, threadSafe = true)
public class WaiveMojo extends AbstractBmaMojo {

    /** The messages, {@code <folder>/<uid>} as migrate-report.csv names them, comma-separated. */
    @Parameter(property = "bma.waive")
    private String waive;

    /** Why, recorded with the waive. */
    @Parameter(property = "bma.waive.reason")
    private String reason;

    @Override
    protected BmaAssembly.Verb verb() {
        return BmaAssembly.Verb.WAIVE;
    }

    @Override
    protected void run(Bma bma) throws MojoFailureException {
        if (selection().isAll()) {
            throw new MojoFailureException("bma:waive needs bma.mailboxes: name the one mailbox whose messages are waived");
        }
        WaiveResult result = bma.waive(selection(), MessageWaivers.Request.parseList(waive),
                System.getProperty("user.name", "ops"), Optional.ofNullable(reason), dryRun);
        for (MessageWaivers.Waived w : result.waived()) {
            getLog().info(String.format("%s %s/%d (%d bytes): %s%s", w.mailbox(), w.folder().encoded(), w.uid(), w.size(),
                    w.reported(), w.already() ? " [already waived]" : ""));
        }
        getLog().info(result.summaryLine() + (result.dryRun() ? " (dry run: nothing recorded)" : ""));
    }
}
