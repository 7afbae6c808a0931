package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.address.Mailbox;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static be.cfwb.bma.calendar.DayCapacity.KINDS;

/** Mailboxes that migrate together: a same-day group, or one mailbox. */
final class PlanUnit {

    final List<Mailbox> members = new ArrayList<>(1);
    /** The same-day group of the first member; empty if none. */
    final String group;
    final LocalDate announcedDay;
    String forcedReason;
    List<LocalDate> allowed = List.of();
    /** Members per kind and whether they fit an empty day; set once the members are known. */
    int[] counts;
    long[] volume;
    boolean fitsEmptyDay;

    PlanUnit(Mailbox first, String group, LocalDate announcedDay) {
        members.add(first);
        this.group = group;
        this.announcedDay = announcedDay;
    }

    String key() {
        return members.size() > 1 ? "same-day group '" + group + "' (" + members.size() + " mailboxes)"
                : members.get(0).address().toString();
    }

    void seal(DayCapacity capacity) {
        counts = new int[KINDS.length];
        volume = new long[KINDS.length];
        members.forEach(m -> {
            counts[m.kind().ordinal()]++;
            volume[m.kind().ordinal()] += capacity.bytes(m);
        });
        fitsEmptyDay = members.size() <= capacity.senders();
        for (BmaKind kind : KINDS) {
            fitsEmptyDay &= counts[kind.ordinal()] <= capacity.mailboxes(kind);
            fitsEmptyDay &= volume[kind.ordinal()] <= capacity.bytes(kind);
        }
    }
}
