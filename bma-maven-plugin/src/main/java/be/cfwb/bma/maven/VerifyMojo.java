package be.cfwb.bma.maven;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaAssembly;
import be.cfwb.bma.VerifyResult;

import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;


/**
 * Checks that every source message of the selected mailboxes is on the target exactly once,
 * with its flags, date and bytes; writes {@code target/bma/verify-report.json}; fails the
 * build if anything is missing, duplicated or different.
 */
@Mojo(name = "verify", requiresProject = false, threadSafe = true)
public class VerifyMojo extends AbstractTransferMojo {


    @Override
    protected BmaAssembly.Verb verb() {
        return BmaAssembly.Verb.VERIFY;
    }

    @Override
    protected void run(Bma bma) throws MojoFailureException {
        VerifyResult result = bma.verify(selection(), dryRun);
        for (String line : result.report().summary().split("\\R")) {
            getLog().info(line);
        }
        getLog().info("Report: " + result.file());
        if (!result.isSuccess()) {
            throw fail(result.summaryLine(), result.file().toFile());
        }
    }
}
