package be.cfwb.bma.maven;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaAssembly;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.cutover.CutoverHook;
import be.cfwb.bma.cutover.CutoverOutcome;
import be.cfwb.bma.cutover.CutoverResult;

import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.util.Map;
import java.util.Optional;

/**
 * Records that mail routing of the selected mailboxes now goes to Exchange (done by ops
 * outside the toolkit), or runs {@code bma.cutover.command} for each and records its
 * success. Only mailboxes whose mail 4 was sent, and found in the old mailbox when the old
 * server is configured ({@code bma.cutover.requireMail4Delivered}), are cut over; the final
 * delta pass waits for this record. Ends normally when every selected mailbox is cut over or
 * only waits for its mail 4 to appear in the old mailbox.
 */
@Mojo(name = "cutover", requiresProject = false, threadSafe = true)
public class CutoverMojo extends AbstractBmaMojo {

    /**
     * A command that switches one mailbox's routing, run without a shell; {@code {address}}
     * and {@code {fase}} are replaced. Exit status 0 means done. Empty: ops did it, just record.
     */
    @Parameter(property = "bma.cutover.command")
    private String command;

    /** Seconds the command may take for one mailbox. */
    @Parameter(property = "bma.cutover.timeoutSeconds", defaultValue = "120")
    private int timeoutSeconds;

    @Override
    protected BmaAssembly.Verb verb() {
        return BmaAssembly.Verb.CUTOVER;
    }

    @Override
    protected void parameters(Map<String, String> p) {
        super.parameters(p);
        put(p, BmaProperties.CUTOVER_COMMAND, command);
        put(p, BmaProperties.CUTOVER_TIMEOUT_SECONDS, Integer.toString(timeoutSeconds));
    }

    @Override
    protected void run(Bma bma) throws MojoFailureException {
        if (selection().isAll()) {
            throw new MojoFailureException("bma:cutover needs bma.mailboxes: name the mailboxes whose routing was switched");
        }
        Optional<CutoverHook> hook = cutoverHook();
        CutoverResult result = bma.cutover(selection(), hook, dryRun);
        for (CutoverOutcome o : result.outcomes()) {
            String line = String.format("%-21s %-16s %s", o.mailbox(), o.status(), o.detail());
            if (o.isDone()) {
                getLog().info(line);
            } else {
                getLog().warn(line);
            }
        }
        getLog().info(String.format("cutover: %d recorded, %d already, %d not ready, %d failed,"
                        + " %d waiting for mail 4, %d mail 4 unconfirmed%s",
                result.count(CutoverOutcome.Status.RECORDED), result.count(CutoverOutcome.Status.ALREADY_RECORDED),
                result.count(CutoverOutcome.Status.NOT_READY), result.count(CutoverOutcome.Status.HOOK_FAILED),
                result.count(CutoverOutcome.Status.AWAITING_MAIL4), result.count(CutoverOutcome.Status.MAIL4_UNCONFIRMED),
                result.dryRun() ? " (dry run: nothing recorded)" : ""));
        if (!result.isSuccess() && result.isDoneExceptWaiting()) {
            // Mail 4 is on its way to the old mailbox: nothing is wrong, a later bma:cutover records the rest.
            getLog().info("bma:cutover done except " + result.count(CutoverOutcome.Status.AWAITING_MAIL4)
                    + " mailbox(es) waiting for mail 4 to appear in the old mailbox: run bma:cutover again in a few minutes");
            return;
        }
        if (!result.isSuccess()) {
            throw fail("Cutover incomplete: " + result.outcomes().stream().filter(o -> !o.isDone()).count()
                    + " mailbox(es) not cut over", null);
        }
    }
}
