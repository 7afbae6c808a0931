package be.cfwb.bma.calendar.internal;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.calendar.MigrationPlan;
import be.cfwb.bma.calendar.PlanChange;
import be.cfwb.bma.calendar.PlannedMailbox;
import be.cfwb.bma.internal.csv.CsvWriter;

import java.io.StringWriter;
import java.time.LocalDate;
import java.util.List;

/** {@code plan.csv}: one row per mailbox, the header first; and {@code plan-changes.csv}. */
public final class PlanCsv {

    /**
     * The columns, a contract: tools read them by name. {@code access_date}: the day the new
     * interface can be reached; {@code mail1_lead_days}: working days from mail 1 to the
     * migration day, fewer than {@code bma.leadDays} when mail 1 could not leave earlier;
     * {@code prestage_date}: the day the bulk is copied ahead of the migration day (always last).
     */
    public static final List<String> HEADER = List.of("address", "kind", "fase", "name", "po", "wave",
            "migration_date", "mail1_at", "mail2_at", "mail3_at", "mail4_at", "constraints", "access_date",
            "mail1_lead_days", "prestage_date");

    private PlanCsv() {
    }

    public static String plan(MigrationPlan plan) {
        StringWriter out = new StringWriter(plan.size() * 160);
        CsvWriter csv = new CsvWriter(out, ',');
        csv.row(HEADER);
        for (PlannedMailbox p : plan.mailboxes()) {
            csv.row(p.address(), p.kind(), p.address().number(), p.mailbox().name(),
                    p.mailbox().organisingBody().map(BmaAddress::toString).orElse(""), p.wave(), p.migrationDate(),
                    Formats.dateTime(p.mailAt(1)), Formats.dateTime(p.mailAt(2)), Formats.dateTime(p.mailAt(3)),
                    Formats.dateTime(p.mailAt(4)), String.join("; ", p.constraints()), p.accessDate(),
                    p.mail1LeadDays(), p.prestageDate());
        }
        return out.toString();
    }

    public static String changes(MigrationPlan plan) {
        StringWriter out = new StringWriter();
        CsvWriter csv = new CsvWriter(out, ',');
        csv.row("address", "before", "after", "reason");
        for (PlanChange c : plan.changes()) {
            csv.row(c.address(), c.before().map(LocalDate::toString).orElse(""),
                    c.after().map(LocalDate::toString).orElse(""), c.reason());
        }
        return out.toString();
    }
}
