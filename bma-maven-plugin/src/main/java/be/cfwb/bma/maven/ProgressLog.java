package be.cfwb.bma.maven;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.lifecycle.RunListener;
import be.cfwb.bma.lifecycle.Stage;
import be.cfwb.bma.lifecycle.StageOutcome;
import be.cfwb.bma.transfer.MailboxReport;
import be.cfwb.bma.transfer.MessageProblem;
import be.cfwb.bma.transfer.Pass;

import org.apache.maven.plugin.logging.Log;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Renders a run's progress in the build log: a line per stage, a line per mailbox copied,
 * and an overall bar (mailboxes done of total, messages, MB, rate, ETA) after each mailbox.
 */
final class ProgressLog implements RunListener {

    private final Log log;
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile Instant started = Instant.now();

    ProgressLog(Log log) {
        this.log = log;
    }

    @Override
    public void stageStarted(Stage stage, int mailboxes) {
        if (stage == Stage.PRESTAGE || stage == Stage.FINAL_DELTA) {
            total.set(mailboxes);
            done.set(0);
            messages.set(0);
            bytes.set(0);
            started = Instant.now();
        }
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
    public void messageCopied(BmaAddress mailbox, be.cfwb.bma.transfer.FolderPath folder, long uid, long size) {
        messages.incrementAndGet();
        bytes.addAndGet(size);
    }

    @Override
    public void messageProblem(BmaAddress mailbox, MessageProblem problem) {
        log.warn("    " + mailbox + ": " + problem);
    }

    @Override
    public void mailboxFinished(MailboxReport report) {
        int n = done.incrementAndGet();
        double seconds = Math.max(0.001, Duration.between(started, Instant.now()).toMillis() / 1000.0);
        double mb = bytes.get() / 1048576.0;
        long eta = n == 0 ? 0 : Math.round(seconds / n * (total.get() - n));
        log.info(String.format(Locale.ROOT, "    %-21s %s: %d copied, %d already there, %d skipped, %d failed",
                report.mailbox(), report.pass(), report.copied(), report.alreadyPresent(), report.skipped().size(),
                report.failed().size()));
        log.info(String.format(Locale.ROOT, "    [%s] %d/%d mailboxes, %d messages, %.1f MB, %.1f MB/s, ETA %d s",
                bar(n, total.get()), n, total.get(), messages.get(), mb, mb / seconds, eta));
    }

    private static String bar(int done, int total) {
        int width = 20;
        int filled = total == 0 ? width : Math.min(width, done * width / total);
        return "#".repeat(filled) + ".".repeat(width - filled);
    }
}
