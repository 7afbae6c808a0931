package be.cfwb.bma;

import be.cfwb.bma.transfer.VerifyReport;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The outcome of {@link Bma#verify}: the verification report and where it was written
 * ({@code verify-report.json}).
 */
public record VerifyResult(VerifyReport report, Path file) {

    public VerifyResult {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(file, "file");
    }

    /** True if every source message of every mailbox is on the target exactly once, alike. */
    public boolean isSuccess() {
        return report.isSuccess();
    }

    public String summaryLine() {
        long failed = report.mailboxes().stream().filter(m -> !m.isSuccess()).count();
        int extra = report.mailboxes().stream().mapToInt(m -> m.extraCopies()).sum();
        return report.mailboxes().size() + " mailbox(es) verified, " + failed + " with problems, "
                + report.missing() + " message(s) missing" + (extra == 0 ? "" : ", " + extra + " extra cop(ies) on the target");
    }
}
