package be.cfwb.bma.notify;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the plan says about one mailbox, as far as the notifications need it: when it
 * migrates, from when the new interface can be reached, and when each of the four mails is
 * due. The planner ({@code be.cfwb.bma.calendar}) produces these; tests and embedders may
 * build them directly.
 *
 * @param mailbox       the mailbox
 * @param migrationDate the migration date, announced by mail 1 and confirmed by mail 3
 * @param accessDate    the date from which the new interface can be reached
 * @param due           when each mail is due (local time of the sender, Europe/Brussels); all four
 *                      present, in order
 * @param planVersion   identifies the plan that fixed these dates; part of each Message-ID
 */
public record MailboxSchedule(BmaAddress mailbox, LocalDate migrationDate, LocalDate accessDate,
                              Map<NotificationKind, LocalDateTime> due, String planVersion) {

    public MailboxSchedule {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(migrationDate, "migrationDate");
        Objects.requireNonNull(accessDate, "accessDate");
        Objects.requireNonNull(planVersion, "planVersion");
        if (planVersion.isBlank()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Schedule of " + mailbox + " has a blank plan version");
        }
        EnumMap<NotificationKind, LocalDateTime> copy = new EnumMap<>(NotificationKind.class);
        copy.putAll(Objects.requireNonNull(due, "due"));
        LocalDateTime previous = null;
        for (NotificationKind kind : NotificationKind.values()) {
            LocalDateTime at = copy.get(kind);
            if (at == null) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                        "Schedule of " + mailbox + " gives no date for mail " + kind.number());
            }
            if (previous != null && at.isBefore(previous)) {
                throw new BmaException(BmaErrorCode.STEP_OUT_OF_ORDER, "Schedule of " + mailbox + " puts mail "
                        + kind.number() + " (" + at + ") before mail " + (kind.number() - 1) + " (" + previous + ")");
            }
            previous = at;
        }
        due = Collections.unmodifiableMap(copy);
    }

    /** When {@code kind} is due. */
    public LocalDateTime dueAt(NotificationKind kind) {
        return due.get(kind);
    }
}
