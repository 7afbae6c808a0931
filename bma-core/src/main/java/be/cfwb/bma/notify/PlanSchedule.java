package be.cfwb.bma.notify;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.calendar.MigrationPlan;
import be.cfwb.bma.calendar.PlannedMailbox;

import java.time.LocalDateTime;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The plan seen by the notifications: each {@link PlannedMailbox} becomes a
 * {@link MailboxSchedule}, with the row's access date (the migration day unless
 * {@code bma.accessDelayDays} says otherwise; circular n°9358: "dès la migration effectuée"). The plan version in each Message-ID is that
 * mailbox's own row (its migration day and the four times), so re-planning other mailboxes
 * never changes it, and moving this one does.
 */
public final class PlanSchedule implements NotificationSchedule {

    private final MigrationPlan plan;

    private PlanSchedule(MigrationPlan plan) {
        this.plan = plan;
    }

    public static PlanSchedule of(MigrationPlan plan) {
        return new PlanSchedule(plan);
    }

    @Override
    public Optional<MailboxSchedule> of(BmaAddress mailbox) {
        return plan.find(mailbox).map(PlanSchedule::schedule);
    }

    static MailboxSchedule schedule(PlannedMailbox row) {
        Map<NotificationKind, LocalDateTime> due = new EnumMap<>(NotificationKind.class);
        StringBuilder fingerprint = new StringBuilder(row.migrationDate().toString());
        for (NotificationKind kind : NotificationKind.values()) {
            due.put(kind, row.mailAt(kind.number()));
            fingerprint.append('|').append(row.mailAt(kind.number()));
        }
        if (!row.accessDate().equals(row.migrationDate())) {
            // Only then, so that plans made before the access date was a setting keep their versions.
            fingerprint.append("|access ").append(row.accessDate());
        }
        String version = row.migrationDate().toString().replace("-", "") + "-" + shortHash(fingerprint.toString());
        return new MailboxSchedule(row.address(), row.migrationDate(), row.accessDate(), due, version);
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return "PlanSchedule[" + plan + "]";
    }
}
