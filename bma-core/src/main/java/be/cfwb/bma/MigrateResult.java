package be.cfwb.bma;

import be.cfwb.bma.transfer.TransferReport;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * The outcome of {@link Bma#migrate}: the transfer report and where it was written
 * ({@code migrate-report.json} and {@code .csv}).
 *
 * @param report the report of the pass
 * @param file   the JSON report written
 */
public record MigrateResult(TransferReport report, Path file) {

    public MigrateResult {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(file, "file");
    }

    /**
     * True if every message arrived (a dry run: if every mailbox could be read and fits the
     * target's quota).
     */
    public boolean isSuccess() {
        return report.dryRun() ? report.isAccountedFor() && report.overQuota().isEmpty() : report.isComplete();
    }

    /** True if every message was copied, was present, or is reported with a reason. */
    public boolean isAccountedFor() {
        return report.isAccountedFor();
    }

    /** One line for a build log. */
    public String summaryLine() {
        return String.format(Locale.ROOT, "%s%s: %d mailbox(es), %d copied (%.1f MB), %d already present,"
                        + " %d skipped, %d failed", report.dryRun() ? "dry run " : "", report.pass(), report.mailboxes().size(),
                report.copied(), report.copiedBytes() / (1024.0 * 1024.0),
                report.alreadyPresent(), report.skipped(), report.failed());
    }
}
