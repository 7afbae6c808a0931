package be.cfwb.bma.maven;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.lifecycle.CopyProgress;
import be.cfwb.bma.lifecycle.RunListener;
import be.cfwb.bma.lifecycle.StageOutcome;
import be.cfwb.bma.transfer.MailboxReport;
import be.cfwb.bma.transfer.MessageProblem;
import be.cfwb.bma.transfer.Pass;

import org.apache.maven.plugin.logging.Log;

import java.util.Locale;

/**
 * Renders a run's progress in the build log: a line per stage, a line per mailbox copied, and the
 * copy's progress in bytes ({@link CopyProgress}: the mailbox's MB, the stage's MB of MB expected,
 * rate and ETA) while a mailbox copies and after each one.
 */
final class ProgressLog implements RunListener {

    private final Log log;

    private ProgressLog(Log log) {
        this.log = log;
    }

    /** The build log's progress, in bytes, a line every 64 MB or 10 s a mailbox copies. */
    static CopyProgress of(Log log) {
        return CopyProgress.around(new ProgressLog(log));
    }

    @Override
    public void stageFinished(StageOutcome outcome) {
        if (!outcome.mailboxes().isEmpty()) {
            String line = String.format("  %-15s %3d mailbox(es)  %s", outcome.stage().label(), outcome.mailboxes().size(),
                    outcome.summary());
            if (outcome.success()) {
                log.info(line);
            } else {
                log.warn(line);
            }
        }
    }

    @Override
    public void mailboxStarted(BmaAddress mailbox, Pass pass) {
        log.debug("    " + mailbox + " " + pass + " started");
    }

    @Override
    public void messageProblem(BmaAddress mailbox, MessageProblem problem) {
        log.warn("    " + mailbox + ": " + problem);
    }

    @Override
    public void mailboxFinished(MailboxReport report) {
        log.info(String.format(Locale.ROOT, "    %-21s %s: %d copied, %d already there, %d skipped, %d failed",
                report.mailbox(), report.pass(), report.copied(), report.alreadyPresent(), report.skipped().size(),
                report.failed().size()));
    }

    @Override
    public void copyProgress(CopyProgress.Snapshot progress) {
        log.info(String.format(Locale.ROOT, "    [%s] %s", bar(progress.percent()), progress.line()));
    }

    private static String bar(int percent) {
        int width = 20;
        int filled = Math.min(width, percent * width / 100);
        return "#".repeat(filled) + ".".repeat(width - filled);
    }
}
