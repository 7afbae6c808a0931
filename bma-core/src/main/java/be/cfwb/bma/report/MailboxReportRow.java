package be.cfwb.bma.report;

import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.Mailbox;

import java.time.LocalDate;
import java.util.Optional;

/**
 * What happened to one mailbox, as the dashboard shows it.
 *
 * @param mailbox       the mailbox
 * @param step          the furthest step done
 * @param migrationDate the date announced by mail 1, if sent
 * @param messages      messages copied, over all passes
 * @param bytes         bytes copied, over all passes
 * @param skipped       messages reported and not copied (too large, refused...), from the last pass
 * @param verification  the last verification's verdict: empty if none ran
 * @param anomalies     what support should look at (empty mailbox, over the old quota...), "" if none
 */
public record MailboxReportRow(Mailbox mailbox, MailboxStep step, Optional<LocalDate> migrationDate, long messages,
                               long bytes, long skipped, Optional<String> verification, String anomalies) {
}
