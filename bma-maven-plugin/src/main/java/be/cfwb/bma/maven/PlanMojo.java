package be.cfwb.bma.maven;

import be.cfwb.bma.Bma;
import be.cfwb.bma.BmaAssembly;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.PlanResult;
import be.cfwb.bma.address.MailboxSelection;
import be.cfwb.bma.calendar.PlannedMailbox;

import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.util.Map;

/**
 * Plans every selected mailbox's migration day and mail times, and writes {@code plan.csv},
 * {@code plan.json}, {@code plan.ics} and {@code plan.html} under {@code bma.output}. Keeps
 * the dates mail 1 announced (ledger) and the days of the previous {@code plan.json}; fails
 * with the numbers when the mailboxes do not fit. Unset parameters keep the 2024 defaults.
 */
@Mojo(name = "plan", requiresProject = false, threadSafe = true)
public class PlanMojo extends AbstractBmaMojo {

    /** Days of the organising bodies' wave, {@code 2024-10-01..2024-10-25} (the circular's). */
    @Parameter(property = BmaProperties.WINDOW_PO)
    protected String windowPo;

    /** Days of the establishments' wave, {@code 2024-11-04..2024-11-30} (the circular's). */
    @Parameter(property = BmaProperties.WINDOW_EC)
    protected String windowEc;

    /** Most PO mailboxes migrated a day (default 100). */
    @Parameter(property = BmaProperties.CAPACITY_PO)
    protected String capacityPo;

    /** Most EC mailboxes migrated a day (default 200). */
    @Parameter(property = BmaProperties.CAPACITY_EC)
    protected String capacityEc;

    /** Whether PO migrations may fall in school holidays (default true). */
    @Parameter(property = BmaProperties.SCHOOL_HOLIDAYS_PO)
    protected String schoolHolidaysPo;

    /** Whether EC migrations may fall in school holidays (default false). */
    @Parameter(property = BmaProperties.SCHOOL_HOLIDAYS_EC)
    protected String schoolHolidaysEc;

    /** Working days between mail 1 and the migration day (default 5). */
    @Parameter(property = BmaProperties.LEAD_DAYS)
    protected String leadDays;

    /** Time of mail 1, {@code HH:mm} (default 09:00). */
    @Parameter(property = BmaProperties.MAIL1_TIME)
    protected String mail1Time;

    /** Time of mail 2 on the day (default 07:00). */
    @Parameter(property = BmaProperties.MAIL2_TIME)
    protected String mail2Time;

    /** Time of mail 3 on the day (default 07:30). */
    @Parameter(property = BmaProperties.MAIL3_TIME)
    protected String mail3Time;

    /** Time of mail 4 on the day, then cutover (default 08:00). */
    @Parameter(property = BmaProperties.MAIL4_TIME)
    protected String mail4Time;

    /** Most notification mails sent in an hour (default 1200). */
    @Parameter(property = BmaProperties.MAILS_PER_HOUR)
    protected String mailsPerHour;

    /** Extra closed days, {@code ;}-separated {@code [name=]range}. */
    @Parameter(property = BmaProperties.CLOSED_DAYS)
    protected String closedDays;

    /** School holidays, {@code ;}-separated {@code name=range}; replaces the FW-B 2024-25 calendar. */
    @Parameter(property = BmaProperties.SCHOOL_CALENDAR)
    protected String schoolCalendar;

    /** Obligation windows, {@code ;}-separated {@code KINDS[/level=L][/network=N]@RANGE=NAME}; none by default. */
    @Parameter(property = BmaProperties.BLACKOUTS)
    protected String blackouts;

    /** Most megabytes of PO mail migrated a day (capacity weighted by size); unset for no limit. */
    @Parameter(property = BmaProperties.VOLUME_PER_DAY_PO)
    protected String volumePerDayPo;

    /** Most megabytes of EC mail migrated a day (capacity weighted by size); unset for no limit. */
    @Parameter(property = BmaProperties.VOLUME_PER_DAY_EC)
    protected String volumePerDayEc;

    /** CSV file {@code address,bytes} of the known mailbox sizes, for the volume limits. */
    @Parameter(property = BmaProperties.MAILBOX_SIZES)
    protected String mailboxSizes;

    /** Organising bodies ({@code po000478,...}) whose establishments migrate together, on one day. */
    @Parameter(property = BmaProperties.KEEP_TOGETHER)
    protected String keepTogether;

    /**
     * No mail 1 before this day (default 2024-09-30, the circular's date; {@code none} for no
     * limit): earlier days get mail 1 on the first working day from it, a shortened lead the
     * plan reports.
     */
    @Parameter(property = BmaProperties.ANNOUNCE_FROM)
    protected String announceFrom;

    /** Working days from the migration day to the access date of the new interface (default 0: the same day). */
    @Parameter(property = BmaProperties.ACCESS_DELAY_DAYS)
    protected String accessDelayDays;

    @Override
    protected BmaAssembly.Verb verb() {
        return BmaAssembly.Verb.PLAN;
    }

    @Override
    protected void parameters(Map<String, String> p) {
        super.parameters(p);
        put(p, BmaProperties.WINDOW_PO, windowPo);
        put(p, BmaProperties.WINDOW_EC, windowEc);
        put(p, BmaProperties.CAPACITY_PO, capacityPo);
        put(p, BmaProperties.CAPACITY_EC, capacityEc);
        put(p, BmaProperties.SCHOOL_HOLIDAYS_PO, schoolHolidaysPo);
        put(p, BmaProperties.SCHOOL_HOLIDAYS_EC, schoolHolidaysEc);
        put(p, BmaProperties.LEAD_DAYS, leadDays);
        put(p, BmaProperties.MAIL1_TIME, mail1Time);
        put(p, BmaProperties.MAIL2_TIME, mail2Time);
        put(p, BmaProperties.MAIL3_TIME, mail3Time);
        put(p, BmaProperties.MAIL4_TIME, mail4Time);
        put(p, BmaProperties.MAILS_PER_HOUR, mailsPerHour);
        put(p, BmaProperties.CLOSED_DAYS, closedDays);
        put(p, BmaProperties.SCHOOL_CALENDAR, schoolCalendar);
        put(p, BmaProperties.BLACKOUTS, blackouts);
        put(p, BmaProperties.VOLUME_PER_DAY_PO, volumePerDayPo);
        put(p, BmaProperties.VOLUME_PER_DAY_EC, volumePerDayEc);
        put(p, BmaProperties.MAILBOX_SIZES, mailboxSizes);
        put(p, BmaProperties.KEEP_TOGETHER, keepTogether);
        put(p, BmaProperties.ANNOUNCE_FROM, announceFrom);
        put(p, BmaProperties.ACCESS_DELAY_DAYS, accessDelayDays);
    }

    @Override
    protected void run(Bma bma) {
        MailboxSelection selection = selection();
        PlanResult result = bma.plan(selection, dryRun);
        result.ledgerRecovery().ifPresent(getLog()::warn);
        if (dryRun) {
            getLog().info("Dry run: plan written to " + result.files().get(0).getParent()
                    + "; the published plan and the ledger are unchanged");
        }
        if (!selection.isAll()) {
            for (PlannedMailbox p : result.selected()) {
                getLog().info(String.format("%-21s %s  mail 1 %s  %s", p.address(), p.migrationDate(), p.mailAt(1),
                        p.mailbox().name()));
            }
        }
        result.summaryLines().forEach(getLog()::info);
    }
}
