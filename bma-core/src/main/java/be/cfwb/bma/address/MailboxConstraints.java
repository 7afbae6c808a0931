package be.cfwb.bma.address;

import java.time.LocalDate;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the inventory says about when a mailbox may migrate.
 *
 * @param fixedDate      the day it must migrate, if imposed
 * @param forbiddenDates days it must not migrate
 * @param sameDayGroup   a label shared by mailboxes that must migrate on the same day; empty for none
 */
public record MailboxConstraints(
        Optional<LocalDate> fixedDate,
        SortedSet<LocalDate> forbiddenDates,
        String sameDayGroup) {

    public static final MailboxConstraints NONE =
            new MailboxConstraints(Optional.empty(), Collections.emptySortedSet(), "");

    public MailboxConstraints {
        fixedDate = fixedDate == null ? Optional.empty() : fixedDate;
        forbiddenDates = Collections.unmodifiableSortedSet(
                new TreeSet<>(forbiddenDates == null ? Collections.emptySortedSet() : forbiddenDates));
        sameDayGroup = sameDayGroup == null ? "" : sameDayGroup.strip();
    }

    public boolean isEmpty() {
        return fixedDate.isEmpty() && forbiddenDates.isEmpty() && sameDayGroup.isEmpty();
    }
}
