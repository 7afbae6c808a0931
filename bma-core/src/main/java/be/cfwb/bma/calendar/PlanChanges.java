package be.cfwb.bma.calendar;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Mailbox;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The moves between a previous plan and a new one, each with the reason a person can act on. */
final class PlanChanges {

    private final PlanningSettings settings;
    private final WorkingDays workingDays;
    private final LeadTimes leadTimes;
    private final DayCapacity capacity;
    private final SameDayGroups groups;

    PlanChanges(PlanningSettings settings, WorkingDays workingDays, LeadTimes leadTimes, DayCapacity capacity,
                SameDayGroups groups) {
        this.settings = settings;
        this.workingDays = workingDays;
        this.leadTimes = leadTimes;
        this.capacity = capacity;
        this.groups = groups;
    }

    /**
     * What moved from {@code previous} to {@code rows}, each move with its reason; nothing when
     * there is no previous plan.
     */
    List<PlanChange> between(List<PlannedMailbox> rows, Map<BmaAddress, LocalDate> announced,
                                     Map<BmaAddress, LocalDate> previous, boolean rebalanced) {
        List<PlanChange> changes = new ArrayList<>();
        if (previous.isEmpty()) {
            return changes;
        }
        Map<BmaAddress, PlannedMailbox> now = new HashMap<>();
        rows.forEach(r -> now.put(r.address(), r));
        for (PlannedMailbox r : rows) {
            LocalDate before = previous.get(r.address());
            if (before == null) {
                changes.add(new PlanChange(r.address(), Optional.empty(), Optional.of(r.migrationDate()), "new mailbox"));
            } else if (!before.equals(r.migrationDate())) {
                changes.add(new PlanChange(r.address(), Optional.of(before), Optional.of(r.migrationDate()),
                        why(r, before, announced, rebalanced)));
            }
        }
        previous.forEach((address, before) -> {
            if (!now.containsKey(address)) {
                changes.add(new PlanChange(address, Optional.of(before), Optional.empty(), "no longer in the inventory"));
            }
        });
        return changes;
    }

    private String why(PlannedMailbox r, LocalDate before, Map<BmaAddress, LocalDate> announced, boolean rebalanced) {
        Mailbox m = r.mailbox();
        if (announced.containsKey(m.address())) {
            return "mail 1 announced " + r.migrationDate();
        }
        if (m.constraints().fixedDate().isPresent()) {
            return "fixed date " + m.constraints().fixedDate().get() + " in the inventory";
        }
        Wave wave = settings.wave(m.kind());
        if (!wave.window().contains(before)) {
            return before + " is outside the " + wave.name() + " window " + wave.window();
        }
        Optional<String> closed = workingDays.closure(before, m.kind());
        if (closed.isPresent()) {
            return before + " is closed (" + closed.get() + ")";
        }
        Optional<Blackout> blackout = workingDays.blackout(before, m);
        if (blackout.isPresent()) {
            return before + " is in blackout " + blackout.get().name();
        }
        if (m.constraints().forbiddenDates().contains(before)) {
            return before + " is now a forbidden date";
        }
        if (leadTimes.firstMail1(m.kind()).filter(first -> !first.isBefore(before)).isPresent()) {
            return "mail 1 for " + before + " cannot leave before it (bma.announceFrom " + settings.announceFrom().get() + ")";
        }
        if (!groups.of(m).isEmpty()) {
            return "follows its same-day group " + groups.of(m);
        }
        return rebalanced ? "re-planned afresh: the previous days left no room for constrained mailboxes"
                : before + " is full (capacity " + capacity.mailboxes(m.kind()) + settings.volumePerDay(m.kind())
                        .map(mb -> " mailboxes or " + mb + " MB").orElse("") + " a day)";
    }
}
