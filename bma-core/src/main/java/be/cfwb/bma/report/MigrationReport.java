package be.cfwb.bma.report;

import be.cfwb.bma.EventTypes;
import be.cfwb.bma.MailboxStep;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Inventory;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEvent;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The state of the migration drawn from the inventory and the ledger: one row per mailbox
 * and the series the dashboard charts. Immutable; build it with {@link #of}.
 *
 * @param rows           one per mailbox, in address order
 * @param verifiedPerDay per wave, how many mailboxes were verified on each day
 * @param bytesPerDay    bytes copied on each day, all waves
 */
public record MigrationReport(List<MailboxReportRow> rows, Map<BmaKind, SortedMap<LocalDate, Integer>> verifiedPerDay,
                              SortedMap<LocalDate, Long> bytesPerDay) {

    /** Data keys of {@link EventTypes#TRANSFER_PASS_DONE} that the report reads. */
    public static final String COPIED = "copied";
    public static final String BYTES = "bytes";
    public static final String SKIPPED = "skipped";
    /** Data key of the pre-stage pass: messages found on the old server. */
    public static final String FOUND = "found";
    /** The old server's quota: a mailbox above it is unusual and worth a look. */
    public static final long OLD_QUOTA_BYTES = 80L * 1024 * 1024;
    /** Data key of a verification event that says how many source messages were missing. */
    public static final String MISSING = "missing";
    /**
     * A mailbox that kept fewer messages on the server than this (our notifications aside) is
     * flagged: it was probably read with a POP client, which leaves nothing to migrate.
     */
    public static final int NEARLY_EMPTY_MESSAGES = 3;

    public MigrationReport {
        rows = List.copyOf(rows);
    }

    /** The report of the mailboxes of {@code inventory}, from what {@code ledger} recorded. */
    public static MigrationReport of(Inventory inventory, Ledger ledger, ZoneId zone) {
        List<MailboxReportRow> rows = new ArrayList<>(inventory.size());
        Map<BmaKind, SortedMap<LocalDate, Integer>> verified = new EnumMap<>(BmaKind.class);
        for (BmaKind kind : BmaKind.values()) {
            verified.put(kind, new TreeMap<>());
        }
        SortedMap<LocalDate, Long> bytesPerDay = new TreeMap<>();
        for (Mailbox mailbox : inventory.mailboxes()) {
            List<LedgerEvent> history = ledger.history(mailbox.address());
            long messages = 0;
            long bytes = 0;
            long skipped = 0;
            Optional<LocalDate> date = Optional.empty();
            Optional<String> verification = Optional.empty();
            long mailsSent = 0;
            long serverSide = -1;
            boolean surveyed = false;
            List<String> anomalies = new ArrayList<>();
            List<String> waived = new ArrayList<>();
            for (LedgerEvent e : history) {
                LocalDate day = e.at().atZone(zone).toLocalDate();
                Event event = e.event();
                if (event instanceof Event.MailSent sent) {
                    mailsSent++;
                    if (sent.mail() == 1) {
                        date = sent.migrationDate().flatMap(MigrationReport::date);
                    }
                } else if (event instanceof Event.PassDone pass) {
                    messages += pass.copied();
                    bytes += pass.bytes();
                    skipped = pass.skipped();
                    bytesPerDay.merge(day, pass.bytes(), Long::sum);
                    if (!surveyed && serverSide < 0 && pass.pass().equals("prestage") && pass.found().isPresent()) {
                        // What the school kept on the server: the pass found our own mails too.
                        serverSide = pass.found().getAsLong() - mailsSent;
                    }
                } else if (event instanceof Event.Verified v && v.passed()) {
                    verification = Optional.of("verified");
                    verified.get(mailbox.kind()).merge(day, 1, Integer::sum);
                } else if (event instanceof Event.Verified failed) {
                    verification = Optional.of(failed.missing() + " missing");
                } else if (event instanceof Event.MessageWaived w) {
                    waived.add(w.folder() + "/" + w.uid() + " (" + w.by() + w.reason().map(r -> " : " + r).orElse("") + ")");
                } else if (event instanceof Event.MailboxSurveyed survey) {
                    surveyed = true;
                    if (survey.error().isPresent()) {
                        anomalies.add("illisible avant le jour de la migration : " + survey.error().get());
                    } else {
                        // The survey runs after mail 1, which the server holds too.
                        serverSide = survey.found() - mailsSent;
                        if (survey.bytes() > OLD_QUOTA_BYTES) {
                            anomalies.add("au-delà de l’ancien quota de 80 Mo");
                        }
                        if (survey.renamed() > 0) {
                            anomalies.add(survey.renamed() + " dossier(s) renommé(s) pour la nouvelle interface");
                        }
                    }
                }
            }
            MailboxStep step = MailboxStep.of(history);
            if (serverSide >= 0 && serverSide < NEARLY_EMPTY_MESSAGES) {
                anomalies.add("presque vide sur le serveur (logiciel en POP ?)");
            }
            if (skipped > 0) {
                anomalies.add(skipped + " message(s) non copié(s)");
            }
            if (!waived.isEmpty()) {
                // Not lost by accident: ops decided it stays behind (bma:waive), and the school should hear it.
                anomalies.add(waived.size() + " message(s) laissé(s) sur décision (bma:waive) : " + String.join(", ", waived));
            }
            rows.add(new MailboxReportRow(mailbox, step, date, messages, bytes, skipped, verification, String.join("; ", anomalies)));
        }
        return new MigrationReport(rows, verified, bytesPerDay);
    }

    /** How many mailboxes are at each step, every step present. */
    public Map<MailboxStep, Integer> countByStep() {
        Map<MailboxStep, Integer> counts = new EnumMap<>(MailboxStep.class);
        for (MailboxStep step : MailboxStep.values()) {
            counts.put(step, 0);
        }
        rows.forEach(r -> counts.merge(r.step(), 1, Integer::sum));
        return counts;
    }

    public long totalBytes() {
        return rows.stream().mapToLong(MailboxReportRow::bytes).sum();
    }

    public long totalMessages() {
        return rows.stream().mapToLong(MailboxReportRow::messages).sum();
    }

    private static Optional<LocalDate> date(String text) {
        try {
            return Optional.of(LocalDate.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
