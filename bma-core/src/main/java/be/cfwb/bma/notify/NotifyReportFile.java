package be.cfwb.bma.notify;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.internal.csv.CsvWriter;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/** The CSV report of a notification run, {@code notify-<day>[-dryrun].csv} in the output directory. */
final class NotifyReportFile {

    private NotifyReportFile() {
    }

    static Path write(Path outputDirectory, LocalDate date, boolean dryRun, List<NotificationOutcome> outcomes) {
        createDirectories(outputDirectory);
        Path report = outputDirectory.resolve("notify-" + date + (dryRun ? "-dryrun" : "") + ".csv");
        try (Writer out = Files.newBufferedWriter(report, StandardCharsets.UTF_8)) {
            CsvWriter csv = new CsvWriter(out, ',');
            csv.row("mailbox", "mail", "sender", "status", "due", "late", "possible_duplicate", "message_id", "detail");
            for (NotificationOutcome o : outcomes) {
                csv.row(o.mailbox(), o.kind().number(), o.kind().sender(), o.status(), o.dueAt(), o.late(),
                        o.possibleDuplicate(), o.messageId(), o.detail());
            }
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Cannot write the report " + report + ": "
                    + e.getMessage(), e);
        }
        return report;
    }

    static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Cannot create " + dir + ": " + e.getMessage(), e);
        }
    }
}
