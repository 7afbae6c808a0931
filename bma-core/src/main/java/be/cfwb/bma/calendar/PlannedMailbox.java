package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Mailbox;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;

/**
 * One mailbox's row of the plan: its migration day and when each of its four mails leaves.
 *
 * @param mailbox       the mailbox, as the inventory describes it
 * @param wave          the name of its wave ({@link Wave#name()})
 * @param migrationDate the day it migrates
 * @param mails         the local date-times (Europe/Brussels) of mails 1 to 4, in order
 * @param constraints   the constraints that shaped this row, in words ({@code fixed 2024-11-05},
 *                      {@code announced}, ...); empty for a freely placed mailbox
 * @param accessDate    the day the new interface can be reached ({@link PlanningSettings#accessDelayDays()}),
 *                      announced by mail 1 and mail 3
 * @param mail1LeadDays working days from mail 1 to the migration day: {@link PlanningSettings#leadDays()},
 *                      or fewer when mail 1 could not leave before {@link PlanningSettings#announceFrom()}
 * @param prestageDate  the day its bulk is copied ahead ({@link PlanningSettings#prestage()}): working days
 *                      before the migration day, or the migration day itself
 */
public record PlannedMailbox(Mailbox mailbox, String wave, LocalDate migrationDate, List<LocalDateTime> mails,
                             List<String> constraints, LocalDate accessDate, int mail1LeadDays, LocalDate prestageDate)
        implements Comparable<PlannedMailbox> {

    public PlannedMailbox {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(wave, "wave");
        Objects.requireNonNull(migrationDate, "migrationDate");
        mails = List.copyOf(mails);
        if (mails.size() != 4) {
            throw new IllegalArgumentException("a planned mailbox has 4 mails, not " + mails.size());
        }
        constraints = List.copyOf(constraints);
        Objects.requireNonNull(accessDate, "accessDate");
        if (accessDate.isBefore(migrationDate)) {
            throw new IllegalArgumentException("access date " + accessDate + " is before the migration date " + migrationDate);
        }
        if (mail1LeadDays < 1) {
            throw new IllegalArgumentException("mail 1 lead of " + mail1LeadDays + " working days; it must be at least 1");
        }
        Objects.requireNonNull(prestageDate, "prestageDate");
        if (prestageDate.isAfter(migrationDate)) {
            throw new IllegalArgumentException("pre-stage date " + prestageDate + " is after the migration date " + migrationDate);
        }
    }

    /** A row pre-staged on its migration day, as plans were before {@code prestage_date}. */
    public PlannedMailbox(Mailbox mailbox, String wave, LocalDate migrationDate, List<LocalDateTime> mails,
                          List<String> constraints, LocalDate accessDate, int mail1LeadDays) {
        this(mailbox, wave, migrationDate, mails, constraints, accessDate, mail1LeadDays, migrationDate);
    }

    /** True if its bulk copy is due on {@code day}, ahead of its migration day: on or after its pre-stage date, before the day. */
    public boolean prestageDueAhead(LocalDate day) {
        return !prestageDate.isAfter(day) && migrationDate.isAfter(day);
    }

    /**
     * True if the run of {@code day} has something to do for it: its mail 1 is due (the first step;
     * the stages decide the rest), or its bulk copy ahead of a later day, which can come before mail 1
     * when the pre-stage lead is long.
     */
    public boolean hasWorkOn(LocalDate day) {
        return !mailDate(1).isAfter(day) || prestageDueAhead(day);
    }

    /** True if mail 1 leaves fewer than {@code leadDays} working days ahead (it could not leave earlier). */
    public boolean leadShortened(int leadDays) {
        return mail1LeadDays < leadDays;
    }

    public BmaAddress address() {
        return mailbox.address();
    }

    public BmaKind kind() {
        return mailbox.kind();
    }

    /** When mail {@code n} (1..4) is due, Europe/Brussels local time. */
    public LocalDateTime mailAt(int n) {
        if (n < 1 || n > 4) {
            throw new IllegalArgumentException("mail number " + n + " is not 1..4");
        }
        return mails.get(n - 1);
    }

    /** When mail {@code n} is due, as an instant-bearing date-time in Europe/Brussels. */
    public ZonedDateTime mailAtZoned(int n) {
        return mailAt(n).atZone(PlanningSettings.ZONE);
    }

    /** The day mail {@code n} is due. */
    public LocalDate mailDate(int n) {
        return mailAt(n).toLocalDate();
    }

    /** True if mail 1 already announced this date (the ledger says so): re-planning keeps it. */
    public boolean isAnnounced() {
        return constraints.contains(ANNOUNCED);
    }

    /** The constraint word marking a date announced by mail 1. */
    public static final String ANNOUNCED = "announced";

    @Override
    public int compareTo(PlannedMailbox other) {
        return address().compareTo(other.address());
    }
}
