package be.cfwb.bma.notify;

import be.cfwb.bma.address.BmaAddress;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where a notification run learns the dates: the plan, seen one mailbox at a time. A mailbox
 * the plan does not cover gets no mail.
 */
@FunctionalInterface
public interface NotificationSchedule {

    /** The schedule of {@code mailbox}, or empty if the plan does not cover it. */
    Optional<MailboxSchedule> of(BmaAddress mailbox);

    /** A schedule holding exactly these mailboxes. */
    static NotificationSchedule of(Collection<MailboxSchedule> schedules) {
        Map<BmaAddress, MailboxSchedule> byAddress = new TreeMap<>();
        schedules.forEach(s -> byAddress.put(s.mailbox(), s));
        return address -> Optional.ofNullable(byAddress.get(address));
    }
}
