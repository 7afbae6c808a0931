package be.cfwb.bma.maven;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaAssembly;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.MailboxStatus;
import be.cfwb.bma.cutover.CutoverHook;
import be.cfwb.bma.lifecycle.RunResult;
import be.cfwb.bma.calendar.PlanningSettings;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Everything due on {@code bma.date}, in the circular's order: mail 1, provisioning, mails 2
 * and 3, pre-stage copy, mail 4, cutover (with {@code bma.cutover.command}; otherwise the
 * mailboxes wait for {@code bma:cutover}), final delta, verification, and the dashboard.
 * Reads the same {@code bma.*} keys and settings.xml servers as {@code bma:notify} and
 * {@code bma:migrate}. Ends normally (exit 0) when every mailbox due by that day is verified,
 * or when those that are not only wait (for the routing switch, a mail's planned time, or mail 4
 * on its way to the old mailbox), with one line saying so; fails otherwise. {@code -Dbma.dryRun}
 * does nothing and writes what it would do to {@code target/bma/dry-run/run-<day>.txt}.
 */
@Mojo(name = "run", requiresProject = false, threadSafe = true)
public class RunMojo extends AbstractBmaMojo {

    /** The cutover command, as for {@code bma:cutover}; empty: ops record cutovers themselves. */
    @Parameter(property = "bma.cutover.command")
    private String cutoverCommand;

    /** Seconds the cutover command may take for one mailbox. */
    @Parameter(property = "bma.cutover.timeoutSeconds", defaultValue = "120")
    private int cutoverTimeoutSeconds;

    @Override
    protected BmaAssembly.Verb verb() {
        return BmaAssembly.Verb.RUN;
    }

    @Override
    protected void parameters(Map<String, String> p) {
        super.parameters(p);
        put(p, BmaProperties.CUTOVER_COMMAND, cutoverCommand);
        put(p, BmaProperties.CUTOVER_TIMEOUT_SECONDS, Integer.toString(cutoverTimeoutSeconds));
    }

    @Override
    protected void run(Bma bma) throws MojoExecutionException, MojoFailureException {
        LocalDate day = day().orElse(LocalDate.now(PlanningSettings.ZONE));
        Optional<CutoverHook> hook = cutoverHook();
        getLog().info("Migration day " + day + (hook.isEmpty() ? " (cutover recorded by ops: bma:cutover)" : "")
                + (dryRun ? " (dry run: nothing is sent, reset, copied or recorded)" : ""));
        RunResult result = bma.run(day, selection(), hook, ProgressLog.of(getLog()), dryRun);
        if (result.dryRun()) {
            getLog().info("Dry run of " + day + ": nothing was sent, reset, copied or recorded; what would be done: "
                    + result.report().map(r -> r.toAbsolutePath().toString()).orElse(""));
            return;
        }
        result.refusedLogins().forEach(getLog()::error);
        for (MailboxStatus m : result.incomplete()) {
            RunResult.Waiting waits = result.waiting().get(m.mailbox().address());
            String line = String.format("  %-21s %s", m.mailbox().address(), m.step().label())
                    + (waits == null ? "" : "  (waiting for " + waits.label() + ")");
            if (waits == null) {
                getLog().warn(line);
            } else {
                getLog().info(line);
            }
        }
        getLog().info(String.format("Due by %s: %d mailbox(es), %d verified, %d not yet", day, result.due().size(),
                result.verified(), result.incomplete().size()));
        result.report().ifPresent(r -> getLog().info("Report: " + r.toAbsolutePath()));
        if (!result.isSuccess() && result.isDoneExceptWaiting()) {
            // Waiting is no failure: cron and CI must tell it from one (exit 0), ops read the one line.
            getLog().info("bma:run " + day + " done except " + result.incomplete().size() + " mailbox(es) waiting: "
                    + waitingSummary(result));
            return;
        }
        if (!result.isSuccess()) {
            throw fail(result.incomplete().size() + " mailbox(es) due by " + day + " are not verified yet",
                    result.report().map(Path::toFile).orElse(null));
        }
        getLog().info("bma:run " + day + " done: every mailbox due is verified");
    }

    /** E.g. {@code 2 for the routing switch (bma:cutover), 1 for the planned time of its next mail}. */
    private static String waitingSummary(RunResult result) {
        Map<RunResult.Waiting, Long> counts = new EnumMap<>(RunResult.Waiting.class);
        result.waiting().values().forEach(w -> counts.merge(w, 1L, Long::sum));
        return counts.entrySet().stream().map(e -> e.getValue() + " for " + e.getKey().label())
                .collect(Collectors.joining(", "));
    }
}
