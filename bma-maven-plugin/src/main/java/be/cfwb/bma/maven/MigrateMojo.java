package be.cfwb.bma.maven;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaAssembly;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.MigrateResult;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.lifecycle.CopyProgress;
import be.cfwb.bma.lifecycle.RunListener;
import be.cfwb.bma.transfer.MailboxReport;

import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * Copies the selected mailboxes to the target, each message exactly once
 * ({@code -Dbma.pass=prestage|final}); writes {@code target/bma/migrate-report.json} and
 * {@code .csv}; fails the build unless every message arrived. With {@code -Dbma.dryRun}, lists
 * what would be copied and checks the target's 2 GB quota, changing nothing.
 */
@Mojo(name = "migrate", requiresProject = false, threadSafe = true)
public class MigrateMojo extends AbstractTransferMojo {

    /** {@code prestage} (bulk copy while the old mailbox still receives) or {@code final} (delta after cutover). */
    @Parameter(property = "bma.pass", defaultValue = "prestage")
    protected String pass;


    @Override
    protected BmaAssembly.Verb verb() {
        return BmaAssembly.Verb.MIGRATE;
    }

    @Override
    protected void parameters(Map<String, String> p) {
        super.parameters(p);
        put(p, BmaProperties.PASS, pass);
    }

    @Override
    protected void run(Bma bma) throws MojoFailureException {
        // Mailboxes not attempted after a refused admin login share one error text: it is logged once.
        Set<String> errorsLogged = ConcurrentHashMap.newKeySet();
        MigrateResult result = bma.migrate(selection(), assembly().pass(), dryRun, CopyProgress.around(new RunListener() {
            @Override
            public void retrying(BmaAddress mailbox, String reason, int attempt, Duration wait) {
                getLog().warn(mailbox + ": " + reason + "; retry " + attempt + " in " + wait.toMillis() + " ms");
            }

            @Override
            public void mailboxFinished(MailboxReport r) {
                getLog().info(String.format("%-21s %s: %d found, %d copied, %d present, %d skipped, %d failed",
                        r.mailbox(), r.isComplete() ? "complete" : "INCOMPLETE", r.found(), r.copied(),
                        r.alreadyPresent(), r.skipped().size(), r.failed().size()));
                r.error().filter(errorsLogged::add).ifPresent(e -> getLog().error(r.mailbox() + ": " + e));
            }

            @Override
            public void copyProgress(CopyProgress.Snapshot progress) {
                // In bytes: a long mailbox shows progress while it copies, the ETA counts what is left.
                getLog().info("  " + progress.line());
            }
        }));
        for (String line : result.report().summary().split("\\R")) {
            getLog().info(line);
        }
        getLog().info("Report: " + result.file());
        if (!result.isSuccess()) {
            // The first mailbox error (a refused login, an unreachable server) is what ops must fix first;
            // the refusal itself rather than a mailbox not attempted because of it.
            String firstError = result.report().mailboxes().stream().filter(r -> r.error().isPresent())
                    .sorted(Comparator.comparing(r -> r.error().get().startsWith("Not attempted")))
                    .map(r -> "; " + r.mailbox() + " stopped: " + r.error().get()).findFirst().orElse("");
            throw fail(result.summaryLine() + (result.isAccountedFor() ? "; not everything arrived"
                    : "; some messages are neither copied nor reported") + firstError, result.file().toFile());
        }
    }
}
